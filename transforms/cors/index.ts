import { defineTransform } from '../../src/transform.js';
import { cfn } from './cfn.js';
import { meta, type CorsOptions } from './meta.js';

export default defineTransform<CorsOptions>({ meta, cfn, loadCdk: async () => (await import('./cdk.js')).cdk });
