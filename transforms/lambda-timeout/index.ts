import { defineTransform } from '../../src/transform.js';
import { cfn } from './cfn.js';
import { meta, type LambdaTimeoutOptions } from './meta.js';

export default defineTransform<LambdaTimeoutOptions>({ meta, cfn, loadCdk: async () => (await import('./cdk.js')).cdk });
