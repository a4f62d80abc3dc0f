import { defineTransform } from '../../src/transform.js';
import { cfn } from './cfn.js';
import { meta, type OutputsOptions } from './meta.js';

export default defineTransform<OutputsOptions>({ meta, cfn, loadCdk: async () => (await import('./cdk.js')).cdk });
