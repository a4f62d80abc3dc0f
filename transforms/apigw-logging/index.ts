import { defineTransform } from '../../src/transform.js';
import { cfn } from './cfn.js';
import { meta, type LoggingOptions } from './meta.js';

export default defineTransform<LoggingOptions>({ meta, cfn, loadCdk: async () => (await import('./cdk.js')).cdk });
