import { defineTransform } from '../../src/transform.js';
import { cdk } from './cdk.js';
import { cfn } from './cfn.js';
import { meta, type LambdaEnvKmsOptions } from './meta.js';

export default defineTransform<LambdaEnvKmsOptions>({ meta, cfn, cdk });
