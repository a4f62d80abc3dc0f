/**
 * What an execution role must keep: every action its functions' code calls (with the resource each
 * call names), what Lambda itself does with the role (logs, VPC network interfaces, X-Ray, event
 * source polling, dead-letter and destination sends, the environment key), and an observed policy
 * when one is given. Or, when that cannot be known, why.
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import { isPlainObject, referencedId, referencesIn, resources } from '../_shared/cfn.js';
import { readFunctionCode } from './code/locate.js';
import type { ReadFile } from './code/types.js';
import { resourceTypesOf, runtime } from './data.js';
import { accountPattern, resolveCall, type ResolveContext, type Resolved } from './resources.js';
import type { ExecutionRole, LambdaFunction, TemplateModel } from './template.js';

export interface RawNeed {
  action: string;
  /** Where the need comes from: `src/app.py:12 table.put_item(…)`, `Lambda: logs of Fn`. */
  why: string;
  resolve(ctx: ResolveContext): Resolved;
}

export type RoleNeeds = { ok: true; needs: RawNeed[] } | { ok: false; reasons: string[] };

/** An observed policy's statements for one role, or for every role. */
export type ObservedStatements = (roleId: string, functionIds: string[]) => { statements: Json[]; source: string } | undefined;

export function needsOfRole(role: ExecutionRole, model: TemplateModel, read: ReadFile, observed: ObservedStatements): RoleNeeds {
  if (role.functions.length === 0) return { ok: false, reasons: ['no function in this template uses it, so stackfix cannot see what it needs'] };
  if (role.otherPrincipals.length > 0) return { ok: false, reasons: [`it is also assumed by ${role.otherPrincipals.join(', ')}, whose needs stackfix cannot see`] };
  const needs: RawNeed[] = [];
  const reasons: string[] = [];
  for (const fn of role.functions) {
    const code = readFunctionCode(fn, read);
    if (!code.ok) {
      reasons.push(`${fn.logicalId}: ${code.reason}`);
      continue;
    }
    for (const opaque of code.reading.opaque) reasons.push(`${opaque.evidence.file}:${opaque.evidence.line} \`${opaque.evidence.text}\`: ${opaque.reason}`);
    for (const call of code.reading.calls) {
      const where = `${call.evidence.file}:${call.evidence.line}`;
      for (const action of call.actions) needs.push({ action, why: where, resolve: (ctx) => resolveCall(call, action, fn, code.subs, ctx) });
    }
    const unsupported = unsupportedRuntimeFeature(fn);
    if (unsupported) reasons.push(`${fn.logicalId}: ${unsupported}`);
    needs.push(...runtimeNeeds(fn, role, model.template));
  }
  const seen = observed(role.logicalId, role.functions.map((f) => f.logicalId));
  if (seen) needs.push(...observedNeeds(seen.statements, seen.source));
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, needs };
}

function unsupportedRuntimeFeature(fn: LambdaFunction): string | undefined {
  if (Array.isArray(fn.props.FileSystemConfigs) && fn.props.FileSystemConfigs.length > 0) return 'it mounts EFS, whose permissions stackfix does not model';
  return undefined;
}

// ---- what Lambda does with the role ---------------------------------------------------------------

/**
 * SAM adds the managed policies for logs, X-Ray, VPC access, event sources and its dead-letter queue
 * to the roles it generates; for those only the environment key is left to the role's own policies.
 */
function runtimeNeeds(fn: LambdaFunction, role: ExecutionRole, template: Template): RawNeed[] {
  const needs: RawNeed[] = [];
  const add = (actions: string[], why: string, resolve: (ctx: ResolveContext, action: string) => Resolved) => {
    for (const action of actions) needs.push({ action, why, resolve: (ctx) => resolve(ctx, action) });
  };
  const key = fn.props.KmsKeyArn;
  if (key !== undefined && key !== '' && !(isPlainObject(key) && key.Ref === 'AWS::NoValue')) {
    add(runtime.environmentKey, `Lambda: ${fn.logicalId} environment key`, (ctx) => valueResource(key, ctx));
  }
  if (role.sam) return needs;
  add(runtime.logs, `Lambda: ${fn.logicalId} logs`, (ctx) => logGroupResources(fn, role, ctx));
  if (isPlainObject(fn.props.VpcConfig)) add(runtime.vpc, `Lambda: ${fn.logicalId} VpcConfig`, (ctx, action) => accountResources(action, ctx));
  if (tracingActive(fn)) add(runtime.xray, `Lambda: ${fn.logicalId} tracing`, () => ({ resources: ['*'], targets: [] }));
  for (const source of eventSources(fn, template)) {
    const actions = (runtime.eventSources as Record<string, string[]>)[source.service] ?? [];
    add(actions, `Lambda: ${fn.logicalId} event source ${source.id}`, (ctx, action) => (resourceTypesOf(action)?.length ? valueResource(source.arn, ctx) : { resources: ['*'], targets: [] }));
  }
  for (const target of sendTargets(fn, template)) {
    add(target.actions, `Lambda: ${fn.logicalId} ${target.what}`, (ctx) => valueResource(target.arn, ctx));
  }
  return needs;
}

function tracingActive(fn: LambdaFunction): boolean {
  const config = fn.props.TracingConfig;
  return fn.props.Tracing === 'Active' || (isPlainObject(config) && config.Mode === 'Active');
}

/** An ARN the template gives (EventSourceArn, KmsKeyArn, …), unless naming it here would be circular. */
function valueResource(value: Json, ctx: ResolveContext): Resolved {
  const circular = [...referencesIn(value)].some((id) => ctx.graph.dependsOn(id, ctx.holderId));
  if (circular) return { resources: ['*'], targets: [], note: 'naming its resource here would make the template circular' };
  const id = referencedId(value);
  return { resources: [value], targets: id ? [{ logicalId: id, parts: [''] }] : [] };
}

/** Lambda creates network interfaces in this account's subnets and security groups. */
function accountResources(action: string, ctx: ResolveContext): Resolved {
  const pattern = ctx.accountWildcards ? accountPattern(action, false) : undefined;
  return { resources: pattern ?? ['*'], targets: [] };
}

/**
 * The function's own log group: `LoggingConfig.LogGroup`, else `/aws/lambda/<name>`. The name is known
 * when `FunctionName` is literal (or built from parameters), or through a reference to the function
 * from a separate policy it does not depend on; otherwise every Lambda log group of the account.
 */
function logGroupResources(fn: LambdaFunction, role: ExecutionRole, ctx: ResolveContext): Resolved {
  const region = role.edge ? '*' : '${AWS::Region}';
  const arn = (name: string): Json[] => [
    { 'Fn::Sub': `arn:\${AWS::Partition}:logs:${region}:\${AWS::AccountId}:log-group:${name}` },
    { 'Fn::Sub': `arn:\${AWS::Partition}:logs:${region}:\${AWS::AccountId}:log-group:${name}:*` },
  ];
  const edge = role.edge ? 'us-east-1.' : '';
  const logging = isPlainObject(fn.props.LoggingConfig) ? fn.props.LoggingConfig.LogGroup : undefined;
  if (logging !== undefined) {
    const name = nameText(logging, ctx);
    return name ? { resources: arn(name), targets: [] } : { resources: arn('*'), targets: [], note: 'its LoggingConfig.LogGroup is not a name stackfix can write here' };
  }
  const fnName = fn.props.FunctionName;
  const name = fnName === undefined ? undefined : nameText(fnName, ctx);
  if (name) return { resources: arn(`/aws/lambda/${edge}${name}`), targets: [] };
  if (fnName === undefined && !ctx.graph.dependsOn(fn.logicalId, ctx.holderId)) {
    return { resources: arn(`/aws/lambda/${edge}\${${fn.logicalId}}`), targets: [] };
  }
  return { resources: arn(`/aws/lambda/${edge}*`), targets: [], note: `the name of ${fn.logicalId} is generated and its role cannot name the function without a circular reference` };
}

/** A name as `Fn::Sub` text: literal, or built from parameters and resources this policy may reference. */
function nameText(value: Json, ctx: ResolveContext): string | undefined {
  if (typeof value === 'string') return value.replace(/\$\{/g, '${!');
  if (!isPlainObject(value)) return undefined;
  const refs = [...referencesIn(value)];
  if (refs.some((id) => ctx.graph.dependsOn(id, ctx.holderId))) return undefined;
  if (typeof value.Ref === 'string') return `\${${value.Ref}}`;
  if (typeof value['Fn::Sub'] === 'string') return value['Fn::Sub'];
  return undefined;
}

interface EventSource {
  id: string;
  service: string;
  arn: Json;
}

const SAM_EVENT_SOURCES: Record<string, [string, string]> = { SQS: ['sqs', 'Queue'], Kinesis: ['kinesis', 'Stream'], DynamoDB: ['dynamodb', 'Stream'] };

/** Event source mappings of the function (resources, or SAM events): Lambda polls them with the role. */
function eventSources(fn: LambdaFunction, template: Template): EventSource[] {
  const out: EventSource[] = [];
  for (const [id, event] of Object.entries(isPlainObject(fn.props.Events) ? fn.props.Events : {})) {
    const source = isPlainObject(event) && typeof event.Type === 'string' ? SAM_EVENT_SOURCES[event.Type] : undefined;
    const arn = source && isPlainObject(event) && isPlainObject(event.Properties) ? event.Properties[source[1]] : undefined;
    if (source && arn !== undefined) out.push({ id, service: source[0], arn });
  }
  for (const r of resources(template)) {
    if (r.type !== 'AWS::Lambda::EventSourceMapping' || referencedId(r.properties.FunctionName) !== fn.logicalId) continue;
    const arn = r.properties.EventSourceArn;
    const service = arn === undefined ? undefined : serviceOfArn(arn, template);
    if (arn !== undefined && service) out.push({ id: r.logicalId, service, arn });
  }
  return out;
}

interface SendTarget {
  what: string;
  actions: string[];
  arn: Json;
}

/** The dead-letter queue or topic and the destinations Lambda sends to with the role. */
function sendTargets(fn: LambdaFunction, template: Template): SendTarget[] {
  const out: SendTarget[] = [];
  const config = fn.props.DeadLetterConfig ?? fn.props.DeadLetterQueue;
  const dlq = isPlainObject(config) ? config.TargetArn : undefined;
  if (dlq !== undefined) out.push({ what: 'dead-letter target', actions: sendActions(dlq, template), arn: dlq });
  for (const r of resources(template)) {
    if (r.type !== 'AWS::Lambda::EventInvokeConfig' || referencedId(r.properties.FunctionName) !== fn.logicalId) continue;
    const destinations = r.properties.DestinationConfig;
    for (const when of ['OnSuccess', 'OnFailure']) {
      const dest = isPlainObject(destinations) && isPlainObject(destinations[when]) ? destinations[when].Destination : undefined;
      if (dest !== undefined) out.push({ what: `${when} destination`, actions: sendActions(dest, template), arn: dest });
    }
  }
  return out;
}

const SEND_ACTIONS: Record<string, string> = { sqs: 'sqs:SendMessage', sns: 'sns:Publish', lambda: 'lambda:InvokeFunction', events: 'events:PutEvents' };

/** What sending to a target takes; every kind when the target's service is not known. */
function sendActions(arn: Json, template: Template): string[] {
  const service = serviceOfArn(arn, template);
  const action = service ? SEND_ACTIONS[service] : undefined;
  return action ? [action] : Object.values(SEND_ACTIONS);
}

const SERVICE_OF_TYPE: Record<string, string> = {
  'AWS::SQS::Queue': 'sqs',
  'AWS::SNS::Topic': 'sns',
  'AWS::Kinesis::Stream': 'kinesis',
  'AWS::DynamoDB::Table': 'dynamodb',
  'AWS::DynamoDB::GlobalTable': 'dynamodb',
  'AWS::Lambda::Function': 'lambda',
  'AWS::Serverless::Function': 'lambda',
  'AWS::Events::EventBus': 'events',
};

function serviceOfArn(arn: Json, template: Template): string | undefined {
  const text = typeof arn === 'string' ? arn : isPlainObject(arn) && typeof arn['Fn::Sub'] === 'string' ? arn['Fn::Sub'] : undefined;
  const m = text ? /^arn:[^:]+:([\w-]+):/.exec(text) : undefined;
  if (m) return m[1];
  const id = referencedId(arn);
  const all = isPlainObject(template.Resources) ? template.Resources : {};
  const type = id && isPlainObject(all[id]) ? all[id].Type : undefined;
  return typeof type === 'string' ? SERVICE_OF_TYPE[type] : undefined;
}

// ---- observed policy --------------------------------------------------------------------------------

function observedNeeds(statements: Json[], source: string): RawNeed[] {
  const needs: RawNeed[] = [];
  for (const st of statements) {
    if (!isPlainObject(st) || st.Effect !== 'Allow') continue;
    const actions = typeof st.Action === 'string' ? [st.Action] : Array.isArray(st.Action) ? st.Action.filter((a): a is string => typeof a === 'string') : [];
    const resource = st.Resource === undefined ? ['*'] : Array.isArray(st.Resource) ? st.Resource : [st.Resource];
    for (const action of actions) needs.push({ action, why: source, resolve: () => ({ resources: resource, targets: [] }) });
  }
  return needs;
}
