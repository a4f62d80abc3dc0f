import { defineTransform } from '../../src/transform.js';
import { cfn } from './cfn.js';
import { meta, type RemovalPolicyOptions } from './meta.js';

export default defineTransform<RemovalPolicyOptions>({ meta, cfn, loadCdk: async () => (await import('./cdk.js')).cdk });
