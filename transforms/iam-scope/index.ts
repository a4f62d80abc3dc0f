import { defineTransform } from '../../src/transform.js';
import { cfn } from './cfn.js';
import { meta, type IamScopeOptions } from './meta.js';

export default defineTransform<IamScopeOptions>({ meta, cfn, loadCdk: async () => (await import('./cdk.js')).cdk });
