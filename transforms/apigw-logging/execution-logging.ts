/**
 * Execution logging of REST stages: a logging level (plus metrics and data trace) for all methods,
 * and the account-level CloudWatch role without which API Gateway refuses to deploy such a stage.
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import type { CfnFindingInput } from '../../src/transform.js';
import { pointer, resourcesOfType, uniqueLogicalId, type JsonObject } from '../_shared/cfn.js';
import { Patch } from '../_shared/apigw/patch.js';
import { allMethodsSettings, hasExplicitSamApi, writeTo, type RestStage } from '../_shared/apigw/rest-stages.js';
import type { LoggingOptions } from './meta.js';

const PUSH_TO_CLOUDWATCH_POLICY = 'arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs';

/** The template's `AWS::ApiGateway::Account`, which holds the account-wide CloudWatch role, if any. */
export function existingAccount(template: Template): string | undefined {
  return resourcesOfType(template, 'AWS::ApiGateway::Account')[0]?.logicalId;
}

/**
 * The finding for a stage without execution logging, or `'needsAccount'` when the fix must wait for
 * the account role to be added first (a later pass then orders the stage after it). `planned` holds
 * the all-methods entries written in this pass: SAM APIs may share one in `Globals.Api`.
 */
export function executionLogging(
  template: Template,
  stage: RestStage,
  options: LoggingOptions,
  account: string | undefined,
  planned: Set<string>,
): CfnFindingInput | 'needsAccount' | undefined {
  const where = { pointer: stage.pointer, logicalId: stage.logicalId };
  const located = allMethodsSettings(stage);
  if ('blocked' in located) return { ...where, messageId: 'loggingUnreadable', message: `${stage.logicalId}: cannot tell whether execution logging is on.`, manual: located.blocked };
  const entryKey = located.target.path.join('/');
  const entry = located.target.value ?? {};
  const level = levelVerdict(entry.LoggingLevel);
  if (level === 'ok') return undefined;
  if (level === 'unknown') {
    return { ...where, messageId: 'loggingComputed', message: `${stage.logicalId}: the execution logging level comes from an intrinsic function.`, manual: 'LoggingLevel is computed at deploy time (a parameter or a condition): make sure it is INFO or ERROR' };
  }
  if (stage.kind === 'samImplicitApi') {
    if (hasExplicitSamApi(template)) return implicitApiShared(stage, 'execution logging');
    if (options.createAccountRole) {
      return {
        ...where,
        messageId: 'implicitApiUnordered',
        message: 'ServerlessRestApi (the implicit API of Api events) writes no execution logs.',
        manual:
          'an implicit API cannot DependsOn the AWS::ApiGateway::Account, so its stage may deploy before the account has a CloudWatch role and fail; give the events an explicit AWS::Serverless::Api, or set createAccountRole: false if the account already has the role',
      };
    }
  }
  if (account === undefined && options.createAccountRole) return 'needsAccount';
  if (planned.has(entryKey)) return sharedEntryOrdering(template, stage, account);
  planned.add(entryKey);

  const values: JsonObject = { LoggingLevel: options.loggingLevel };
  if (entry.MetricsEnabled === undefined) values.MetricsEnabled = options.metricsEnabled;
  if (entry.DataTraceEnabled === undefined) values.DataTraceEnabled = options.dataTraceEnabled;
  const patch = new Patch(template);
  const written = writeTo(patch, located.target, values) && (account === undefined || stage.resourceId === undefined || patch.addDependsOn(stage.resourceId, account));
  if (!written) return { ...where, messageId: 'loggingUnreadable', message: `${stage.logicalId}: cannot add the execution logging settings.`, manual: 'a map on the way, or DependsOn, is computed by an intrinsic function' };
  return {
    ...where,
    messageId: 'executionLoggingOff',
    message: `${stage.logicalId}: execution logging on for all methods (${describe(values)}). ${dataTraceNote(entry.DataTraceEnabled ?? options.dataTraceEnabled)} ${accountNote(account)}`,
    fix: patch.ops,
  };
}

/**
 * Another SAM API of this pass writes the `Globals.Api` entry this one inherits: this one only needs
 * ordering after the account (the next pass sees its logging on, and would not order it).
 */
function sharedEntryOrdering(template: Template, stage: RestStage, account: string | undefined): CfnFindingInput | undefined {
  if (account === undefined || stage.resourceId === undefined) return undefined;
  const patch = new Patch(template);
  if (!patch.addDependsOn(stage.resourceId, account) || patch.ops.length === 0) return undefined;
  return {
    pointer: stage.pointer,
    logicalId: stage.logicalId,
    messageId: 'executionLoggingOff',
    message: `${stage.logicalId}: execution logging on for all methods through Globals.Api. ${accountNote(account)}`,
    fix: patch.ops,
  };
}

type LevelVerdict = 'ok' | 'off' | 'unknown';

function levelVerdict(level: Json | undefined): LevelVerdict {
  if (level === undefined) return 'off';
  if (typeof level !== 'string') return 'unknown';
  return /^(INFO|ERROR)$/i.test(level) ? 'ok' : 'off';
}

function describe(values: JsonObject): string {
  return Object.entries(values)
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ');
}

function dataTraceNote(dataTrace: Json): string {
  return dataTrace === true || dataTrace === 'true'
    ? 'DataTraceEnabled is on: full requests and responses, tokens and personal data included, go to CloudWatch Logs.'
    : 'DataTraceEnabled stays off: on, it would log full requests and responses, tokens and personal data included (option dataTraceEnabled).';
}

function accountNote(account: string | undefined): string {
  return account === undefined
    ? 'It relies on the CloudWatch role already set for API Gateway in the account (createAccountRole: false).'
    : `It is ordered after ${account}, which gives API Gateway its CloudWatch role.`;
}

export function implicitApiShared(stage: RestStage, what: string): CfnFindingInput {
  return {
    pointer: stage.pointer,
    logicalId: stage.logicalId,
    messageId: 'implicitApiShared',
    message: `ServerlessRestApi (the implicit API of Api events) has no ${what}.`,
    manual: 'its settings come from Globals.Api, which every AWS::Serverless::Api in this template inherits too; give the events an explicit RestApiId or set Globals.Api yourself',
  };
}

/**
 * One `AWS::ApiGateway::Account` and its role for the whole template: the setting is per account and
 * region, so a second one would overwrite the first. Retained by default, as CDK does: deleting the
 * stack must not pull the role from under every other API's logging.
 */
export function accountRoleFinding(template: Template, options: LoggingOptions, taken: Set<string>): CfnFindingInput {
  const roleId = uniqueLogicalId(template, 'ApiGatewayCloudWatchRole', taken);
  taken.add(roleId);
  const accountId = uniqueLogicalId(template, 'ApiGatewayAccount', taken);
  taken.add(accountId);
  const policies = { DeletionPolicy: options.accountRoleDeletionPolicy, UpdateReplacePolicy: options.accountRoleDeletionPolicy };
  const patch = new Patch(template);
  patch.addResource(roleId, {
    Type: 'AWS::IAM::Role',
    ...policies,
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      ManagedPolicyArns: [{ 'Fn::Sub': PUSH_TO_CLOUDWATCH_POLICY }],
    },
  });
  patch.addResource(accountId, { Type: 'AWS::ApiGateway::Account', ...policies, Properties: { CloudWatchRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } } });
  return {
    pointer: pointer('Resources', accountId),
    logicalId: accountId,
    messageId: 'accountRoleAdded',
    message: `Added ${accountId} with ${roleId}: API Gateway needs an account-level CloudWatch role before a stage can log. It is one setting per account and region (the last stack to set it wins); set createAccountRole: false if the account has one.`,
    fix: patch.ops,
  };
}
