/**
 * What the role of CDK functions must keep: each action their code calls, on the construct the code
 * names through `environment` (`table.tableArn`, `bucket.arnForObjects('*')`), and what Lambda does
 * with a role the stack gives the function (its log group, network interfaces in a VPC, polling the
 * event sources of raw event source mappings). Or, when that cannot be known, why.
 */
import { Node, SyntaxKind, type Expression } from 'ts-morph';
import type { Json } from '../../../src/document/cfn/index.js';
import type { CdkSource } from '../../../src/document/cdk/index.js';
import type { CodeReading, SdkCall, ValueSource } from '../code/types.js';
import { resourceParamsOf, resourceTypesOf, runtime, splitAction } from '../data.js';
import type { IamScopeOptions } from '../meta.js';
import { accountPattern, fillArn, namesNoResource, typesNamedBy } from '../resources.js';
import { mergeNeeds, type Need } from '../scope.js';
import { constructOf, environmentValue, propOf, unreadableCode, type CdkFunction } from './functions.js';

/** ARN properties of the L2 constructs a function's environment usually names. */
export const CONSTRUCT_ARNS: Array<{ module: string; classes: string[]; service: string; arn: string; children?: Record<string, string> }> = [
  { module: 'aws-dynamodb', classes: ['Table', 'TableV2'], service: 'dynamodb', arn: 'tableArn', children: { index: '`${X.tableArn}/index/*`', stream: 'X.tableStreamArn!' } },
  { module: 'aws-s3', classes: ['Bucket'], service: 's3', arn: 'bucketArn', children: { object: "X.arnForObjects('*')" } },
  { module: 'aws-sqs', classes: ['Queue'], service: 'sqs', arn: 'queueArn' },
  { module: 'aws-sns', classes: ['Topic'], service: 'sns', arn: 'topicArn' },
  { module: 'aws-lambda', classes: ['Function'], service: 'lambda', arn: 'functionArn' },
  { module: 'aws-lambda-nodejs', classes: ['NodejsFunction'], service: 'lambda', arn: 'functionArn' },
  { module: 'aws-kms', classes: ['Key'], service: 'kms', arn: 'keyArn' },
  { module: 'aws-secretsmanager', classes: ['Secret'], service: 'secretsmanager', arn: 'secretArn' },
  { module: 'aws-kinesis', classes: ['Stream'], service: 'kinesis', arn: 'streamArn' },
  { module: 'aws-stepfunctions', classes: ['StateMachine'], service: 'states', arn: 'stateMachineArn' },
  { module: 'aws-events', classes: ['EventBus'], service: 'events', arn: 'eventBusArn' },
];

interface RawNeed {
  action: string;
  resources: Json[];
  targets: [];
  why: string;
  note?: string;
}

export type CdkRoleNeeds = { ok: true; needs: Need[] } | { ok: false; reasons: string[] };

export function roleNeeds(source: CdkSource, users: CdkFunction[], options: IamScopeOptions): CdkRoleNeeds {
  const reasons = unreadableCode(users);
  const raw: RawNeed[] = [];
  for (const fn of users) {
    if (typeof fn.code === 'string') continue;
    raw.push(...codeNeeds(source, fn, fn.code, options));
    const polled = eventSourceNeeds(source, fn);
    if (Array.isArray(polled)) raw.push(...polled);
    else reasons.push(polled.reason);
    if (fn.role) raw.push(...ownRoleNeeds(fn));
  }
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, needs: mergeNeeds(raw) };
}

function codeNeeds(source: CdkSource, fn: CdkFunction, code: CodeReading, options: IamScopeOptions): RawNeed[] {
  const out: RawNeed[] = [];
  for (const call of code.calls) {
    for (const action of call.actions) {
      out.push({ action, targets: [], why: `${call.evidence.file}:${call.evidence.line}`, ...callResources(source, fn, call, action, options) });
    }
  }
  return out;
}

/**
 * A role of your own gets neither AWSLambdaBasicExecutionRole nor, in a VPC,
 * AWSLambdaVPCAccessExecutionRole from CDK: the function needs its log group and its network interfaces.
 */
function ownRoleNeeds(fn: CdkFunction): RawNeed[] {
  const out: RawNeed[] = [];
  const name = propOf(fn.call, 'functionName');
  const group = name && Node.isStringLiteral(name) ? `/aws/lambda/${name.getLiteralText()}` : '/aws/lambda/*';
  const logGroups = [`log-group:${group}`, `log-group:${group}:*`].map((r) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:${r}` }));
  for (const action of runtime.logs) out.push({ action, resources: logGroups, targets: [], why: `Lambda: ${fn.call.constructPath} logs` });
  if (propOf(fn.call, 'vpc')) {
    for (const action of runtime.vpc) {
      out.push({ action, resources: accountPattern(action, false) ?? ['*'], targets: [], why: `Lambda: ${fn.call.constructPath} vpc` });
    }
  }
  return out;
}

/**
 * Raw event source mappings (`new EventSourceMapping({ target: fn })`, `fn.addEventSourceMapping`,
 * `CfnEventSourceMapping`) grant nothing themselves, unlike `fn.addEventSource(…)`: Lambda polls
 * their source with the function's role.
 */
function eventSourceNeeds(source: CdkSource, fn: CdkFunction): RawNeed[] | { reason: string } {
  const out: RawNeed[] = [];
  for (const arn of eventSourceArns(source, fn)) {
    const owner = Node.isPropertyAccessExpression(arn) ? arn.getExpression() : undefined;
    const info = owner && CONSTRUCT_ARNS.find((i) => i.service in runtime.eventSources && constructOf(source, owner, i.module, i.classes));
    if (!info) return { reason: `${fn.call.constructPath}: an event source mapping polls ${arn.getText()}, which is not a queue, stream or table of this stack` };
    for (const action of (runtime.eventSources as Record<string, string[]>)[info.service]!) {
      const resources = resourceTypesOf(action)?.length ? [{ cdk: arn.getText() }] : ['*'];
      out.push({ action, resources, targets: [], why: `Lambda: ${fn.call.constructPath} event source ${arn.getText()}` });
    }
  }
  return out;
}

export function eventSourceArns(source: CdkSource, fn: CdkFunction): Expression[] {
  const name = fn.call.variableName;
  if (!name) return [];
  const names = new Set([name, `${name}.functionName`, `${name}.functionArn`]);
  const out: Expression[] = [];
  for (const mapping of source.findConstructs('aws-lambda', ['EventSourceMapping', 'CfnEventSourceMapping'])) {
    const target = propOf(mapping, mapping.className === 'EventSourceMapping' ? 'target' : 'functionName');
    const arn = propOf(mapping, 'eventSourceArn');
    if (target && arn && names.has(target.getText().replace(/[\s!]/g, ''))) out.push(arn);
  }
  for (const call of source.file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    const options = call.getArguments()[1];
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'addEventSourceMapping' || callee.getExpression().getText() !== name) continue;
    const arn = options && Node.isObjectLiteralExpression(options) ? options.getProperty('eventSourceArn') : undefined;
    if (arn && Node.isPropertyAssignment(arn)) out.push(arn.getInitializerOrThrow());
  }
  return out;
}

// ---- the resource of one call ----------------------------------------------------------------------

function callResources(source: CdkSource, fn: CdkFunction, call: SdkCall, action: string, options: IamScopeOptions): { resources: Json[]; note?: string } {
  const types = resourceTypesOf(action) ?? [];
  if (types.length === 0 || namesNoResource(call, action)) return { resources: ['*'] };
  const [service] = splitAction(action);
  const resolved = call.targets.length > 0 ? call.targets.map((t) => targetResources(source, fn, t, service, types, call)) : [undefined];
  if (resolved.every((r): r is Json[] => r !== undefined)) return { resources: resolved.flat() };
  const reason = call.targets.length === 0 ? 'the request does not name its resource where stackfix can read it' : 'its resource is not a construct or literal of this stack';
  const pattern = options.accountWildcards ? accountPattern(action, call.explicitRegion) : undefined;
  if (pattern) return { resources: pattern, note: `${reason}; ${service} acts only in this account` };
  return { resources: ['*'], note: reason };
}

/** `environment: { TABLE: table.tableName }` → `table.tableArn` (and its index or objects when the action takes them). */
function targetResources(source: CdkSource, fn: CdkFunction, target: ValueSource, service: string, types: string[], call: SdkCall): Json[] | undefined {
  if ('literal' in target) {
    const param = resourceParamsOf(service).find((p) => types.includes(p.type) || (p.type === 'bucket' && types.includes('object')));
    if (!param || param.form !== 'name') return undefined;
    return typesNamedBy(param, types).map((t) => fillArn(service, t, target.literal.replace(/\$\{/g, '${!'), call.explicitRegion));
  }
  if (!('env' in target)) return undefined;
  const value = environmentValue(source, fn, target.env);
  if (!value || !Node.isPropertyAccessExpression(value)) return undefined;
  const owner = value.getExpression();
  for (const info of CONSTRUCT_ARNS.filter((i) => i.service === service)) {
    if (!constructOf(source, owner, info.module, info.classes)) continue;
    const x = owner.getText();
    const out: Json[] = [];
    const mainType = resourceParamsOf(service).find((p) => types.includes(p.type))?.type;
    if (mainType) out.push({ cdk: `${x}.${info.arn}` });
    for (const [child, text] of Object.entries(info.children ?? {})) {
      if (types.includes(child) && (child !== 'index' || call.usesIndex)) out.push({ cdk: text.replace(/X/g, x) });
    }
    return out.length > 0 ? out : undefined;
  }
  return undefined;
}
