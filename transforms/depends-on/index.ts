import { defineTransform } from '../../src/transform.js';
import { cfn } from './cfn.js';
import { meta, type DependsOnOptions } from './meta.js';

export default defineTransform<DependsOnOptions>({ meta, cfn, loadCdk: async () => (await import('./cdk.js')).cdk });
