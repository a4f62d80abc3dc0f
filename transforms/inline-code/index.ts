import { defineTransform } from '../../src/transform.js';
import { cdk } from './cdk.js';
import { cfn } from './cfn.js';
import { meta, type InlineCodeOptions } from './meta.js';

export default defineTransform<InlineCodeOptions>({ meta, cfn, cdk });
