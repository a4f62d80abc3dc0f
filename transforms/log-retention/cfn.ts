/**
 * CloudFormation half.
 * 1. An `AWS::Logs::LogGroup` without `RetentionInDays` gets the configured number of days.
 * 2. A Lambda function (plain or SAM) that logs to the group Lambda creates on its own,
 *    `/aws/lambda/<name>`, gets that group as a resource, with retention, unless the template already
 *    has it (under any equivalent spelling of the name) or the function sends its logs elsewhere
 *    (`LoggingConfig.LogGroup`). Custom resources that invoke the function during the deployment are
 *    made to wait for the group: otherwise Lambda may create it first, and the stack fails.
 */
import type { Operation } from 'fast-json-patch';
import type { CfnFindingInput, CfnHalf } from '../../src/transform.js';
import type { Json, Template } from '../../src/document/cfn/index.js';
import {
  addProperty,
  isIntrinsic,
  isPlainObject,
  pointer,
  referencesIn,
  resources,
  resourcesOfType,
  samGlobals,
  uniqueLogicalId,
  type JsonObject,
  type ResourceRef,
} from '../_shared/cfn.js';
import type { LogRetentionOptions } from './meta.js';
import { logGroupNameValue, nameTemplate } from './names.js';

const FUNCTION_TYPES = ['AWS::Lambda::Function', 'AWS::Serverless::Function'];
const LAMBDA_PREFIX = '/aws/lambda/';

export const cfn: CfnHalf<LogRetentionOptions> = {
  detect(template, ctx) {
    const options = ctx.options;
    const out: CfnFindingInput[] = [];
    const groups = resourcesOfType(template, 'AWS::Logs::LogGroup');
    for (const group of groups) {
      if (options.exclude.includes(group.logicalId)) continue;
      const finding = retentionFinding(group, options.days);
      if (finding) out.push(finding);
    }
    const groupNames = new Set(groups.map((group) => nameTemplate(group.properties.LogGroupName)).filter((name) => name !== undefined));
    const newIds = new Set<string>();
    for (const fn of resourcesOfType(template, ...FUNCTION_TYPES)) {
      if (options.exclude.includes(fn.logicalId) || logsElsewhere(template, fn)) continue;
      const names = functionNames(fn);
      if (names.some((name) => groupNames.has(LAMBDA_PREFIX + name))) continue;
      // A group whose name is computed from the function may well be its group: never add a second one.
      const maybeOwn = groups.find((group) => nameTemplate(group.properties.LogGroupName) === undefined && referencesIn(group.properties.LogGroupName).has(fn.logicalId));
      if (maybeOwn) {
        out.push({
          pointer: fn.pointer,
          messageId: 'functionLogGroupUnclear',
          message: `Lambda function ${fn.logicalId} may log to ${maybeOwn.logicalId}, whose LogGroupName is computed from it`,
          manual: `stackfix cannot evaluate the LogGroupName of ${maybeOwn.logicalId}; if it is not ${LAMBDA_PREFIX}<function name>, give the function a log group of its own`,
        });
        continue;
      }
      out.push(functionFinding(template, fn, names, options, newIds));
    }
    return out;
  },
};

function retentionFinding(group: ResourceRef, days: number): CfnFindingInput | undefined {
  const retention = group.properties.RetentionInDays;
  const where = `AWS::Logs::LogGroup ${group.logicalId}`;
  if (retention === undefined) {
    const fix: Operation[] = [addProperty(group, 'RetentionInDays', days)];
    return { pointer: group.pointer, messageId: 'noRetention', message: `${where} has no RetentionInDays, so its logs are kept forever: set ${days} days`, fix };
  }
  if (mayBeAbsent(retention)) {
    return {
      pointer: pointer('Resources', group.logicalId, 'Properties', 'RetentionInDays'),
      messageId: 'retentionConditional',
      message: `${where} has no RetentionInDays in some branch of a condition`,
      manual: 'RetentionInDays is AWS::NoValue in a branch of an Fn::If, which looks deliberate: give that branch a retention if the logs should expire',
    };
  }
  return undefined;
}

/** An Fn::If with a branch that is (or leads to) AWS::NoValue. */
function mayBeAbsent(value: Json | undefined): boolean {
  if (!isPlainObject(value)) return false;
  if (value.Ref === 'AWS::NoValue') return true;
  const branches = value['Fn::If'];
  return Array.isArray(branches) && branches.length === 3 && (mayBeAbsent(branches[1]) || mayBeAbsent(branches[2]));
}

/** The function sends its logs to a group it names in `LoggingConfig.LogGroup`, in every branch of any condition. */
function logsElsewhere(template: Template, fn: ResourceRef): boolean {
  return branchesOf(loggingConfig(template, fn)).every((config) => isPlainObject(config) && !branchesOf(config.LogGroup).some(isNoValue));
}

/** The function's LoggingConfig; for SAM, merged with `Globals.Function.LoggingConfig` as SAM does (the function's keys win). */
function loggingConfig(template: Template, fn: ResourceRef): Json | undefined {
  const local = fn.properties.LoggingConfig;
  const global = fn.type === 'AWS::Serverless::Function' ? samGlobals(template, 'Function').LoggingConfig : undefined;
  if (global === undefined) return local;
  if (local === undefined) return global;
  return isPlainObject(global) && isPlainObject(local) && !isIntrinsic(global) && !isIntrinsic(local) ? { ...global, ...local } : local;
}

function branchesOf(value: Json | undefined): Array<Json | undefined> {
  if (isPlainObject(value) && Array.isArray(value['Fn::If']) && value['Fn::If'].length === 3) {
    return [...branchesOf(value['Fn::If'][1]), ...branchesOf(value['Fn::If'][2])];
  }
  return [value];
}

const isNoValue = (value: Json | undefined) => value === undefined || (isPlainObject(value) && value.Ref === 'AWS::NoValue');

/**
 * The function's name as templates, the one to write first: its FunctionName when that is static
 * (a name that does not reference the function), and `${FnId}`, which always works (Ref gives the name).
 */
function functionNames(fn: ResourceRef): string[] {
  const explicit = nameTemplate(fn.properties.FunctionName);
  return explicit === undefined ? ['${' + fn.logicalId + '}'] : [explicit, '${' + fn.logicalId + '}'];
}

function functionFinding(template: Template, fn: ResourceRef, names: string[], options: LogRetentionOptions, newIds: Set<string>): CfnFindingInput {
  const kind = fn.type === 'AWS::Serverless::Function' ? 'SAM function' : 'Lambda function';
  const groupName = LAMBDA_PREFIX + names[0]!;
  const base = {
    pointer: fn.pointer,
    messageId: 'noFunctionLogGroup',
    message: `${kind} ${fn.logicalId} logs to ${groupName}, which Lambda creates on first run with no retention, so the logs are kept forever`,
  };
  if (!options.createFunctionLogGroups) return base;
  const groupId = uniqueLogicalId(template, `${fn.logicalId}LogGroup`, newIds);
  newIds.add(groupId);
  const group: JsonObject = { Type: 'AWS::Logs::LogGroup' };
  if (fn.resource.Condition !== undefined) group.Condition = fn.resource.Condition;
  // From an explicit FunctionName, the name does not reference the function, so the group can be created before it.
  group.Properties = { LogGroupName: logGroupNameValue(groupName), RetentionInDays: options.days };
  const invokers = deployTimeInvokers(template, fn);
  const waiting = invokers.length > 0 ? `; make ${invokers.map((r) => r.logicalId).join(', ')} (which invoke the function during deployment) wait for it` : '';
  return {
    ...base,
    message:
      `${base.message}: add ${groupId} with RetentionInDays ${options.days}${waiting}. ` +
      `If the function has already run in a deployed stack, ${groupName} exists and the update fails with "already exists": ` +
      'import the group into the stack or delete it first, or set createFunctionLogGroups: false',
    fix: [{ op: 'add', path: pointer('Resources', groupId), value: group }, ...invokers.flatMap((r) => dependOn(r, groupId))],
  };
}

/**
 * Custom resources whose ServiceToken is this function: CloudFormation invokes it while the stack
 * deploys, possibly before the new group exists. Only those under the same Condition as the function
 * (or any, when the function has none) may depend on the group.
 */
function deployTimeInvokers(template: Template, fn: ResourceRef): ResourceRef[] {
  return resources(template).filter(
    (r) =>
      (r.type.startsWith('Custom::') || r.type === 'AWS::CloudFormation::CustomResource') &&
      referencesIn(r.properties.ServiceToken).has(fn.logicalId) &&
      (fn.resource.Condition === undefined || r.resource.Condition === fn.resource.Condition),
  );
}

function dependOn(resource: ResourceRef, id: string): Operation[] {
  const path = pointer('Resources', resource.logicalId, 'DependsOn');
  const current = resource.resource.DependsOn;
  if (current === undefined) return [{ op: 'add', path, value: id }];
  if (typeof current === 'string') return [{ op: 'test', path, value: current }, { op: 'replace', path, value: [current, id] }];
  if (Array.isArray(current)) return [{ op: 'add', path: `${path}/-`, value: id }];
  return [];
}
