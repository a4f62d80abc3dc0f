import { defineTransform } from '../../src/transform.js';
import { cdk } from './cdk.js';
import { cfn } from './cfn.js';
import { meta, type LambdaTimeoutOptions } from './meta.js';

export default defineTransform<LambdaTimeoutOptions>({ meta, cfn, cdk });
