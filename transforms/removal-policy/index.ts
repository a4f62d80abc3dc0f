import { defineTransform } from '../../src/transform.js';
import { cdk } from './cdk.js';
import { cfn } from './cfn.js';
import { meta, type RemovalPolicyOptions } from './meta.js';

export default defineTransform<RemovalPolicyOptions>({ meta, cfn, cdk });
