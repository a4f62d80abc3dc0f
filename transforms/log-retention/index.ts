import { defineTransform } from '../../src/transform.js';
import { cfn } from './cfn.js';
import { meta, type LogRetentionOptions } from './meta.js';

export default defineTransform<LogRetentionOptions>({ meta, cfn, loadCdk: async () => (await import('./cdk.js')).cdk });
