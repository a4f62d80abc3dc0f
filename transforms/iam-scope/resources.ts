/**
 * From "the code passes process.env.TABLE as TableName" to the ARN a statement can name: the template
 * resource behind the variable (`!GetAtt Table.Arn`, `${Bucket.Arn}/*` for objects, `/index/*` when
 * the code queries an index), a literal name turned into its ARN, or, when nothing is certain, the
 * narrowest pattern that still is (this account's resources of that type, for single-account services),
 * else `*`.
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import { isPlainObject, referencedId, referencesIn } from '../_shared/cfn.js';
import { arnFormat, cfnResourceInfo, requiresResource, resourceParamsOf, resourceTypesOf, singleAccountServices, splitAction, type ResourceParam } from './data.js';
import type { DependencyGraph } from './graph.js';
import type { SdkCall, ValueSource } from './code/types.js';
import type { LambdaFunction } from './template.js';


export interface ResolveContext {
  template: Template;
  graph: DependencyGraph;
  /** The resource that will hold the statement: what it names must not depend on it. */
  holderId: string;
  accountWildcards: boolean;
}

/** A template resource a permission is on, and which of its parts (for SAM policy templates). */
export interface TargetRef {
  logicalId: string;
  parts: string[];
}

export interface Resolved {
  resources: Json[];
  targets: TargetRef[];
  /** Why the resource is not narrower (it stayed `*` or a pattern). */
  note?: string;
}

const ANY: Json = '*';

/** The resources one action of a call needs. */
export function resolveCall(call: SdkCall, action: string, fn: LambdaFunction, subs: Json[], ctx: ResolveContext): Resolved {
  const types = resourceTypesOf(action) ?? [];
  if (types.length === 0 || namesNoResource(call, action)) return { resources: [ANY], targets: [] };
  if (call.targets.length === 0) return fallback(action, call.explicitRegion, 'the request does not name its resource where stackfix can read it', ctx);
  const out: Resolved = { resources: [], targets: [] };
  for (const target of call.targets) {
    const one = resolveValue(target, call, action, types, fn, subs, ctx);
    if ('unresolved' in one) return fallback(action, call.explicitRegion, one.unresolved, ctx);
    out.resources.push(...one.resources);
    out.targets.push(...one.targets);
  }
  return out;
}

type OneResult = { resources: Json[]; targets: TargetRef[] } | { unresolved: string };

function resolveValue(source: ValueSource, call: SdkCall, action: string, types: string[], fn: LambdaFunction, subs: Json[], ctx: ResolveContext): OneResult {
  if ('unknown' in source) return { unresolved: 'the resource name is computed at run time' };
  if ('literal' in source) return literalArns(escapeSub(source.literal), call, action, types);
  if ('sub' in source) return templateValueArns(subs[source.sub]!, call, action, types, ctx);
  const variables = isPlainObject(fn.props.Environment) ? fn.props.Environment.Variables : undefined;
  const value = isPlainObject(variables) ? variables[source.env] : undefined;
  if (value === undefined) return { unresolved: `the environment variable ${source.env} is not set in the template` };
  return templateValueArns(value, call, action, types, ctx);
}

function templateValueArns(value: Json, call: SdkCall, action: string, types: string[], ctx: ResolveContext): OneResult {
  if (typeof value === 'string') return literalArns(escapeSub(value), call, action, types);
  // `!Sub '${AWS::StackName}-inbox'`: a name built from parameters is as good as a literal one.
  if (isPlainObject(value) && typeof value['Fn::Sub'] === 'string') {
    const text = subText(value, ctx.template);
    return text === undefined ? { unresolved: 'its value refers to resources in a way stackfix does not evaluate' } : literalArns(text, call, action, types);
  }
  const id = referencedId(value);
  if (!id || id.startsWith('AWS::')) return { unresolved: 'its value is an expression stackfix does not evaluate' };
  const resources = isPlainObject(ctx.template.Resources) ? ctx.template.Resources : {};
  const resource = resources[id];
  if (isPlainObject(resource) && typeof resource.Type === 'string') return resourceArns(id, resource.Type, call, action, types, ctx);
  const parameters = isPlainObject(ctx.template.Parameters) ? ctx.template.Parameters : {};
  if (parameters[id] !== undefined) return parameterArns(id, call, action, types);
  return { unresolved: `${id} is not a resource or parameter of this template` };
}

/** A template resource: its ARN through Ref/GetAtt, or built from its literal name when referencing it would be circular. */
function resourceArns(id: string, type: string, call: SdkCall, action: string, types: string[], ctx: ResolveContext): OneResult {
  const info = cfnResourceInfo(type);
  const [service] = splitAction(action);
  if (!info || info.service !== service) return { unresolved: `${id} is a ${type}, which is not what ${action} acts on` };
  const parts = partsFor(types, info.type, Object.keys(info.children ?? {}), call.usesIndex);
  if (parts.length === 0) return { unresolved: `${action} does not act on a ${info.type}` };
  const circular = ctx.graph.dependsOn(id, ctx.holderId);
  if (!circular && (info.arn || info.children)) {
    const out: Json[] = [];
    for (const part of parts) {
      const template = part === '' ? info.arn : info.children?.[part];
      if (!template) return { unresolved: `stackfix does not know the ARN of the ${part} of a ${type}` };
      out.push(intrinsic(template, id));
    }
    return { resources: out, targets: [{ logicalId: id, parts }] };
  }
  const resource = (ctx.template.Resources as Record<string, Json>)[id];
  const name = info.nameProperty && isPlainObject(resource) && isPlainObject(resource.Properties) ? resource.Properties[info.nameProperty] : undefined;
  const nameText = name === undefined ? undefined : subText(name, ctx.template);
  if (nameText === undefined) {
    return { unresolved: circular ? `${id} depends on this role, so naming it here would make the template circular, and its name is generated` : `stackfix cannot write the ARN of ${id}` };
  }
  return { resources: parts.map((part) => fillArn(service, part === '' ? info.type : part, nameText, call.explicitRegion)), targets: [] };
}

/** `''` for the resource itself, else the parts (`object`, `index`, `stream`) the action needs. */
function partsFor(types: string[], mainType: string, children: string[], usesIndex: boolean): string[] {
  const parts: string[] = [];
  if (types.includes(mainType)) parts.push('');
  for (const child of children) if (types.includes(child) && (child !== 'index' || usesIndex)) parts.push(child);
  return parts;
}

function parameterArns(id: string, call: SdkCall, action: string, types: string[]): OneResult {
  const param = paramOf(call, types);
  if (!param) return { unresolved: `stackfix does not know which request parameter names the resource of ${action}` };
  const [service] = splitAction(action);
  if (param.form === 'arn' && types.includes(param.type)) return { resources: [{ Ref: id }], targets: [] };
  if (param.form === 'name') return { resources: typesNamedBy(param, types).map((t) => fillArn(service, t, `\${${id}}`, call.explicitRegion)), targets: [] };
  return { unresolved: `parameter ${id} may hold a name or an ARN` };
}

/** A name or ARN as `Fn::Sub` text (a literal, with `${` escaped, or parameters substituted). */
function literalArns(text: string, call: SdkCall, action: string, types: string[]): OneResult {
  const [service] = splitAction(action);
  const param = paramOf(call, types);
  if (text.startsWith('arn:')) {
    const arn = param?.type === 'bucket' && types.includes('object') ? `${text}/*` : text;
    return { resources: [text.includes('${') ? { 'Fn::Sub': arn } : arn.replace(/\$\{!/g, '${')], targets: [] };
  }
  if (param?.form === 'url') {
    const m = /^https:\/\/sqs\.([\w-]+)\.amazonaws\.com[^/]*\/(\d{12})\/([\w.-]+)$/.exec(text);
    if (!m) return { unresolved: `${text} is not a queue URL stackfix can read` };
    return { resources: [{ 'Fn::Sub': `arn:\${AWS::Partition}:sqs:${m[1]}:${m[2]}:${m[3]}` }], targets: [] };
  }
  if (param?.form === 'key-id' && !/^[0-9a-f-]{36}$|^mrk-[0-9a-f]{32}$/.test(text)) return { unresolved: `${text} is a key alias; IAM scopes keys by key ARN` };
  if (service === 'bedrock' && /^(us|eu|apac|global|us-gov|jp|au|ca)\./.test(text)) return { unresolved: `${text} is an inference profile, which uses models in several regions` };
  const wanted = param ? typesNamedBy(param, types) : [];
  if (wanted.length === 0) return { unresolved: `stackfix does not know which ARN the name ${text} stands for in ${action}` };
  return { resources: wanted.map((t) => fillArn(service, t, text, call.explicitRegion)), targets: [] };
}

function paramOf(call: SdkCall, types: string[]): ResourceParam | undefined {
  const params = resourceParamsOf(call.service);
  return params.find((p) => types.includes(p.type)) ?? params.find((p) => p.type === 'bucket' && types.includes('object'));
}

/**
 * The types of the action a name given in this parameter stands for: its own type, and for a bucket
 * the objects in it. Not the action's other types (an S3 access point, a DynamoDB index the request
 * does not query): the call does not target those.
 */
export function typesNamedBy(param: ResourceParam, types: string[]): string[] {
  return types.filter((t) => t === param.type || (param.type === 'bucket' && t === 'object'));
}

/**
 * A call that names no resource, of an action that requires none (`cloudwatch:PutMetricData`,
 * whose `dataset` is optional) and with no request parameter that would name one: `*` is exactly
 * what it needs, not a fallback, so no note.
 */
export function namesNoResource(call: SdkCall, action: string): boolean {
  return call.targets.length === 0 && !requiresResource(action) && !paramOf(call, resourceTypesOf(action) ?? []);
}

/**
 * Not certain which resource: for services without resource-based policies the call can only reach
 * this account's resources, so `arn:…:${AWS::AccountId}:type/*` is certain; anything else stays `*`.
 */
function fallback(action: string, explicitRegion: boolean, reason: string, ctx: ResolveContext): Resolved {
  const [service] = splitAction(action);
  const pattern = ctx.accountWildcards ? accountPattern(action, explicitRegion) : undefined;
  if (pattern) return { resources: pattern, targets: [], note: `${reason}; ${service} acts only in this account` };
  return { resources: [ANY], targets: [], note: reason };
}

/**
 * This account's resources of every type the action takes, for a service whose calls reach only this
 * account. Undefined when the action requires no resource type: a request may then name none, and
 * only `*` allows it (a pattern of its optional types would deny it). Optional types are kept beside
 * the required ones, as a request may name them too (the security groups of a network interface).
 */
export function accountPattern(action: string, anyRegion: boolean): Json[] | undefined {
  const [service] = splitAction(action);
  const types = resourceTypesOf(action) ?? [];
  if (!singleAccountServices.has(service) || !requiresResource(action) || !types.every((t) => arnFormat(service, t))) return undefined;
  return types.map((t) => fillArn(service, t, undefined, anyRegion));
}

/**
 * An ARN format of the reference with the stack's partition, region and account, the resource's
 * name in its first variable, and `*` for the rest (`${Bucket}/*` for objects).
 */
export function fillArn(service: string, type: string, name: string | undefined, anyRegion: boolean): Json {
  const format = arnFormat(service, type)!;
  let first = true;
  const text = format.replace(/\$\{(\w+)\}/g, (_, variable: string) => {
    if (variable === 'Partition') return '${AWS::Partition}';
    if (variable === 'Region') return anyRegion ? '*' : '${AWS::Region}';
    if (variable === 'Account') return '${AWS::AccountId}';
    if (!first || name === undefined) return '*';
    first = false;
    if (variable === 'ParameterNameWithoutLeadingSlash') return name.replace(/^\//, '');
    // A secret's ARN ends with a random suffix that its name does not have.
    if (service === 'secretsmanager') return `${name}-??????`;
    return name;
  });
  return { 'Fn::Sub': text };
}

/** `${Id.Arn}/index/*` → `!Sub` (or `!GetAtt Id.Arn` / `!Ref Id` when that is all it is). */
export function intrinsic(template: string, id: string): Json {
  const text = template.replace(/\$\{Id([.}])/g, (_, next: string) => `\${${id}${next}`);
  const whole = /^\$\{([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?\}$/.exec(text);
  if (whole) return whole[2] ? { 'Fn::GetAtt': [whole[1]!, whole[2]] } : { Ref: whole[1]! };
  return { 'Fn::Sub': text };
}

/** A name as text for `Fn::Sub`: a literal, or a `!Sub`/`!Ref` of parameters and pseudo parameters only. */
function subText(value: Json, template: Template): string | undefined {
  const parameters = isPlainObject(template.Parameters) ? template.Parameters : {};
  const onlyParameters = (v: Json) => [...referencesIn(v)].every((id) => parameters[id] !== undefined);
  if (typeof value === 'string') return escapeSub(value);
  if (!isPlainObject(value) || !onlyParameters(value)) return undefined;
  if (typeof value.Ref === 'string') return `\${${value.Ref}}`;
  if (typeof value['Fn::Sub'] === 'string') return value['Fn::Sub'];
  return undefined;
}

function escapeSub(text: string): string {
  return text.replace(/\$\{/g, '${!');
}
