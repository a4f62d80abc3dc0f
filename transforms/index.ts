/** The built-in transforms, in the order the pipeline runs them (TRANSFORM_IDS). */
import type { Transform } from '../src/transform.js';
import apigwCache from './apigw-cache/index.js';
import apigwLogging from './apigw-logging/index.js';
import cors from './cors/index.js';
import ddbPitr from './ddb-pitr/index.js';
import dependsOn from './depends-on/index.js';
import iamScope from './iam-scope/index.js';
import inlineCode from './inline-code/index.js';
import lambdaEnvKms from './lambda-env-kms/index.js';
import lambdaTimeout from './lambda-timeout/index.js';
import logRetention from './log-retention/index.js';
import outputs from './outputs/index.js';
import removalPolicy from './removal-policy/index.js';

/*
 * Why this order: code moves out first (inline-code) so that later transforms read it from its file;
 * function-level settings come before the resources they create (log groups, keys), structural fixes
 * (depends-on, removal-policy, outputs) last so they see every resource the others added.
 */
export const builtinTransforms: Transform[] = [
  inlineCode,
  lambdaTimeout,
  lambdaEnvKms,
  iamScope,
  logRetention,
  ddbPitr,
  apigwCache,
  apigwLogging,
  cors,
  dependsOn,
  removalPolicy,
  outputs,
];
