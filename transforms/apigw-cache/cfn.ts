/**
 * apigw-cache, CloudFormation and SAM: turn on the stage cache cluster and caching for all methods
 * ('*' '/*'), encrypted, with a TTL of at least 30 seconds. Existing settings are merged into, never
 * replaced wholesale; values computed by intrinsics are reported, not guessed.
 */
import type { Template } from '../../src/document/cfn/index.js';
import type { CfnFindingInput, CfnHalf } from '../../src/transform.js';
import { isPlainObject, pointer, resourcesOfType, type JsonObject } from '../_shared/cfn.js';
import type { CacheOptions } from './meta.js';
import { Patch } from '../_shared/apigw/patch.js';
import {
  allMethodsSettings,
  booleanVerdict,
  hasExplicitSamApi,
  literalNumber,
  methodSettingsEntry,
  methodsOf,
  restApisWithoutStage,
  restStages,
  stageSetting,
  stageSettings,
  writeTo,
  type MapTarget,
  type RestStage,
} from '../_shared/apigw/rest-stages.js';

/** The lowest TTL the checks accept: below it (0 turns caching off) the cache barely serves anything. */
const MIN_TTL_SECONDS = 30;

export const cfn: CfnHalf<CacheOptions> = {
  detect(template, ctx) {
    const stages = restStages(template);
    const planned = new Set<string>();
    return [
      ...stages.flatMap((stage) => stageFindings(template, stage, ctx.options, planned)),
      ...restApisWithoutStage(template, stages).map(stageElsewhere),
      ...httpApis(template).map(noCacheForHttpApis),
    ];
  },
};

/** What a stage lacks: keys to write at stage level and for all methods, and keys stackfix cannot read. */
interface CachePlan {
  stageLevel: JsonObject;
  allMethods: JsonObject;
  computed: string[];
}

/**
 * The findings of one stage. `planned` holds the all-methods entries written in this pass: several SAM
 * APIs may share one in `Globals.Api`, which only the first of them fixes.
 */
function stageFindings(template: Template, stage: RestStage, options: CacheOptions, planned: Set<string>): CfnFindingInput[] {
  const located = allMethodsSettings(stage);
  const where = { pointer: stage.pointer, logicalId: stage.logicalId };
  if ('blocked' in located) {
    return [{ ...where, messageId: 'cacheUnreadable', message: `${stage.logicalId}: cannot tell whether caching is on.`, manual: located.blocked }];
  }
  const entryKey = located.target.path.join('/');
  if (planned.has(entryKey)) return [];
  const plan = planCache(stage, located.target, options);
  const changes = [...Object.keys(plan.stageLevel), ...Object.keys(plan.allMethods)];
  if (plan.computed.length > 0) {
    return [{ ...where, messageId: 'cacheComputed', message: `${stage.logicalId}: caching settings come from intrinsic functions.`, manual: `${plan.computed.join(', ')} computed at deploy time (a parameter or a condition): make sure they enable the cache with a TTL of at least ${MIN_TTL_SECONDS} s` }];
  }
  if (changes.length === 0) return uncachedMethodFindings(template, stage, options);
  if (stage.kind === 'samImplicitApi' && hasExplicitSamApi(template)) {
    return [{ ...where, messageId: 'implicitApiShared', message: 'ServerlessRestApi (the implicit API of Api events) has no cache.', manual: 'its settings come from Globals.Api, which every AWS::Serverless::Api in this template inherits too (MethodSettings lists add up, so their all-methods entries would clash); give the events an explicit RestApiId or set Globals.Api yourself' }];
  }

  planned.add(entryKey);
  const patch = new Patch(template);
  const stageTarget = stageSettings(stage);
  const written = 'target' in stageTarget && writeTo(patch, stageTarget.target, plan.stageLevel) && writeTo(patch, located.target, plan.allMethods);
  if (!written) {
    return [{ ...where, messageId: 'cacheUnreadable', message: `${stage.logicalId}: cannot add the cache settings.`, manual: 'a map on the way to them is computed by an intrinsic function' }];
  }
  const onlyEncryption = changes.length === 1 && changes[0] === 'CacheDataEncrypted';
  return [
    {
      ...where,
      messageId: onlyEncryption ? 'cacheNotEncrypted' : 'cacheOff',
      message: onlyEncryption
        ? `${stage.logicalId}: cached responses are now encrypted (CacheDataEncrypted).`
        : `${stage.logicalId}: caching on for all methods (${changes.join(', ')}). ${getOnlyNote(template, stage)} The cache cluster is billed by the hour.`,
      fix: patch.ops,
    },
  ];
}

function planCache(stage: RestStage, allMethods: MapTarget, options: CacheOptions): CachePlan {
  const plan: CachePlan = { stageLevel: {}, allMethods: {}, computed: [] };
  const cluster = booleanVerdict(stageSetting(stage, 'CacheClusterEnabled'), true);
  if (cluster === 'unknown') plan.computed.push('CacheClusterEnabled');
  if (cluster === 'missing' || cluster === 'wrong') {
    plan.stageLevel.CacheClusterEnabled = true;
    if (stageSetting(stage, 'CacheClusterSize') === undefined) plan.stageLevel.CacheClusterSize = options.cacheClusterSize;
  }

  const entry = allMethods.value ?? {};
  const caching = booleanVerdict(entry.CachingEnabled, true);
  if (caching === 'unknown') plan.computed.push('CachingEnabled');
  if (caching === 'missing' || caching === 'wrong') plan.allMethods.CachingEnabled = true;
  if (options.encryptCache) {
    const encrypted = booleanVerdict(entry.CacheDataEncrypted, true);
    if (encrypted === 'unknown') plan.computed.push('CacheDataEncrypted');
    if (encrypted === 'missing' || encrypted === 'wrong') plan.allMethods.CacheDataEncrypted = true;
  }
  const ttl = entry.CacheTtlInSeconds;
  const seconds = literalNumber(ttl);
  if (ttl !== undefined && seconds === undefined) plan.computed.push('CacheTtlInSeconds');
  // An absent TTL means API Gateway's 300 s: written only alongside other cache keys, to be explicit.
  const ttlNeeded = seconds !== undefined ? seconds < MIN_TTL_SECONDS : ttl === undefined && 'CachingEnabled' in plan.allMethods;
  if (ttlNeeded) plan.allMethods.CacheTtlInSeconds = options.ttlSeconds;
  return plan;
}

/** The findings note which methods a stage-wide cache leaves alone: API Gateway caches GET only by default. */
function getOnlyNote(template: Template, stage: RestStage): string {
  const others = nonGetMethods(template, stage);
  const listed = others.length > 0 ? ` (${others.join(', ')})` : '';
  return `A stage-wide setting caches GET methods only; other methods${listed} stay uncached.`;
}

function nonGetMethods(template: Template, stage: RestStage): string[] {
  if (stage.kind === 'stage' || stage.kind === 'deployment') {
    return methodsOf(template, stage)
      .filter((m) => typeof m.httpMethod === 'string' && m.httpMethod.toUpperCase() !== 'GET')
      .map((m) => `${m.id} ${String(m.httpMethod).toUpperCase()}`);
  }
  const out: string[] = [];
  for (const fn of resourcesOfType(template, 'AWS::Serverless::Function')) {
    const events = isPlainObject(fn.properties.Events) ? fn.properties.Events : {};
    for (const event of Object.values(events)) {
      if (!isPlainObject(event) || event.Type !== 'Api' || !isPlainObject(event.Properties)) continue;
      const { RestApiId: api, Method: method, Path: path } = event.Properties;
      const mine = stage.kind === 'samImplicitApi' ? api === undefined : isPlainObject(api) && api.Ref === stage.logicalId;
      if (mine && typeof method === 'string' && method.toUpperCase() !== 'GET') out.push(`${method.toUpperCase()} ${String(path)}`);
    }
  }
  return out;
}

/** `uncachedMethods` entries: once the stage caches, each configured method gets CachingEnabled: false. */
function uncachedMethodFindings(template: Template, stage: RestStage, options: CacheOptions): CfnFindingInput[] {
  return options.uncachedMethods.flatMap((spec): CfnFindingInput[] => {
    const { httpMethod, resourcePath } = parseMethodSpec(spec);
    const located = methodSettingsEntry(stage, httpMethod, resourcePath);
    if ('blocked' in located || booleanVerdict(located.target.value?.CachingEnabled, false) === 'ok') return [];
    const patch = new Patch(template);
    if (!writeTo(patch, located.target, { CachingEnabled: false })) return [];
    return [{ pointer: stage.pointer, logicalId: stage.logicalId, messageId: 'methodUncached', message: `${stage.logicalId}: ${spec} is configured never to be cached (CachingEnabled: false).`, fix: patch.ops }];
  });
}

/** `"GET /orders/{id}"` → HttpMethod `GET`, ResourcePath `/~1orders~1{id}` (each `/` of the path escaped as `~1`, after a leading `/`). */
export function parseMethodSpec(spec: string): { httpMethod: string; resourcePath: string } {
  const match = /^\s*([A-Za-z]+|\*)\s+(\/\S*)\s*$/.exec(spec);
  if (!match) throw new Error(`apigw-cache: uncachedMethods entry "${spec}" is not "METHOD /resource/path"`);
  const path = match[2]!;
  return { httpMethod: match[1]!.toUpperCase(), resourcePath: path === '/' ? '/' : '/' + path.replace(/\//g, '~1') };
}

function stageElsewhere(restApiId: string): CfnFindingInput {
  return {
    pointer: pointer('Resources', restApiId),
    messageId: 'stageElsewhere',
    message: `${restApiId}: no stage in this template deploys this REST API, so there is nowhere to turn its cache on.`,
    manual: 'its stage is created elsewhere (another template, the console, a pipeline): enable caching there',
  };
}

/** API Gateway v2 (HTTP and WebSocket) APIs, explicit or SAM's implicit `ServerlessHttpApi`. */
function httpApis(template: Template): Array<{ logicalId: string; pointer: string }> {
  const explicit = resourcesOfType(template, 'AWS::ApiGatewayV2::Api', 'AWS::Serverless::HttpApi').map((r) => ({ logicalId: r.logicalId, pointer: r.pointer }));
  for (const fn of resourcesOfType(template, 'AWS::Serverless::Function')) {
    const events = isPlainObject(fn.properties.Events) ? fn.properties.Events : {};
    for (const [name, event] of Object.entries(events)) {
      if (isPlainObject(event) && event.Type === 'HttpApi' && !(isPlainObject(event.Properties) && event.Properties.ApiId !== undefined)) {
        return [...explicit, { logicalId: 'ServerlessHttpApi', pointer: pointer('Resources', fn.logicalId, 'Properties', 'Events', name) }];
      }
    }
  }
  return explicit;
}

function noCacheForHttpApis(api: { logicalId: string; pointer: string }): CfnFindingInput {
  return {
    ...api,
    messageId: 'httpApiNoCache',
    message: `${api.logicalId}: HTTP and WebSocket APIs (API Gateway v2) have no cache; nothing to set. Put CloudFront in front if responses should be cached.`,
  };
}
