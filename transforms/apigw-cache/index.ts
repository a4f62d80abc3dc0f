import { defineTransform } from '../../src/transform.js';
import { cfn } from './cfn.js';
import { meta, type CacheOptions } from './meta.js';

export default defineTransform<CacheOptions>({ meta, cfn, loadCdk: async () => (await import('./cdk.js')).cdk });
