import { defineTransform } from '../../src/transform.js';
import { cfn } from './cfn.js';
import { meta, type DdbPitrOptions } from './meta.js';

export default defineTransform<DdbPitrOptions>({ meta, cfn, loadCdk: async () => (await import('./cdk.js')).cdk });
