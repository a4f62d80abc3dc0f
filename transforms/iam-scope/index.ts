import { defineTransform } from '../../src/transform.js';
import { cdk } from './cdk.js';
import { cfn } from './cfn.js';
import { meta, type IamScopeOptions } from './meta.js';

export default defineTransform<IamScopeOptions>({ meta, cfn, cdk });
