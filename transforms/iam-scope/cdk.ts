/**
 * CDK half. For each Lambda function of the file whose code stackfix can read:
 * - `new PolicyStatement({ actions, resources })` on its role with `*` actions or `*` resources are
 *   rewritten to what the code calls (cdk/statements.ts);
 * - `grant*` calls of L2 constructs to it become the narrowest grant methods that cover what the code
 *   calls on that construct (cdk/grants.ts);
 * - broad AWS managed policies on its role are replaced by scoped statements (cdk/managed.ts).
 */
import type { CdkHalf } from '../../src/transform.js';
import { lambdaFunctions } from './cdk/functions.js';
import { grantFindings } from './cdk/grants.js';
import { managedPolicyFindings } from './cdk/managed.js';
import { statementFindings } from './cdk/statements.js';
import type { IamScopeOptions } from './meta.js';

export const cdk: CdkHalf<IamScopeOptions> = {
  detect(source, ctx) {
    const functions = lambdaFunctions(source, (path) => ctx.files.read(path));
    return [
      ...statementFindings(source, functions, ctx.options),
      ...grantFindings(source, functions, ctx.options),
      ...managedPolicyFindings(source, functions, ctx.options),
    ];
  },
};
