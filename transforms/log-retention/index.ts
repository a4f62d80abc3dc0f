import { defineTransform } from '../../src/transform.js';
import { cdk } from './cdk.js';
import { cfn } from './cfn.js';
import { meta, type LogRetentionOptions } from './meta.js';

export default defineTransform<LogRetentionOptions>({ meta, cfn, cdk });
