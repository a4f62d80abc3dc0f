import { defineTransform } from '../../src/transform.js';
import { cfn } from './cfn.js';
import { meta, type InlineCodeOptions } from './meta.js';

export default defineTransform<InlineCodeOptions>({ meta, cfn, loadCdk: async () => (await import('./cdk.js')).cdk });
