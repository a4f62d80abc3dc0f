import { defineTransform } from '../../src/transform.js';
import { cfn } from './cfn.js';
import { meta, type LambdaEnvKmsOptions } from './meta.js';

export default defineTransform<LambdaEnvKmsOptions>({ meta, cfn, loadCdk: async () => (await import('./cdk.js')).cdk });
