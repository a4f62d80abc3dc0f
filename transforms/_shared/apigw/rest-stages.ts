/**
 * The REST API stages of a template and where each keeps its settings. apigw-cache and apigw-logging
 * both write stage-level keys (`CacheClusterEnabled`, `AccessLogSetting`) and the all-methods method
 * settings (`HttpMethod: '*'`, `ResourcePath: '/*'`), on four shapes of stage:
 *
 * - `AWS::ApiGateway::Stage`: its Properties;
 * - `AWS::ApiGateway::Deployment` with a `StageName` (it creates that stage): its `StageDescription`,
 *   whose top-level keys are the all-methods settings unless a '*' '/*' MethodSettings entry exists;
 * - `AWS::Serverless::Api`: its Properties, over `Globals.Api` (SAM merges them, the resource wins);
 * - the implicit `ServerlessRestApi` that SAM creates for `Api` events without `RestApiId`: `Globals.Api`.
 */
import type { Json, Template } from '../../../src/document/cfn/index.js';
import { deepEqual } from '../../../src/document/cfn/index.js';
import {
  isIntrinsic,
  isPlainObject,
  pointer,
  referencedId,
  resources,
  resourcesOfType,
  samGlobals,
  type JsonObject,
} from '../cfn.js';
import type { Patch } from './patch.js';

type StageKind = 'stage' | 'deployment' | 'samApi' | 'samImplicitApi';

export interface RestStage {
  kind: StageKind;
  /** The Stage, the Deployment, the Serverless::Api, or `ServerlessRestApi`. */
  logicalId: string;
  /** Where findings point. */
  pointer: string;
  /** Path of the map that holds the stage-level settings; it may not exist yet. */
  settingsPath: string[];
  /** That map: undefined when absent, `null` when it is not a plain map (an `Fn::If`, say). */
  settings: JsonObject | undefined | null;
  /** For an explicit SAM API: `Globals.Api`, which applies where the resource sets nothing. */
  globals?: JsonObject;
  /** The resource to order after other resources (DependsOn); none for the implicit API. */
  resourceId?: string;
  /** The `RestApiId` value, to find the API's methods. */
  restApiId?: Json;
}

const SAM_EVENT_API = 'Api';

/** Every REST API stage the template creates, explicit SAM APIs before the implicit one. */
export function restStages(template: Template): RestStage[] {
  const out: RestStage[] = [];
  for (const r of resourcesOfType(template, 'AWS::ApiGateway::Stage')) {
    out.push({ kind: 'stage', logicalId: r.logicalId, pointer: r.pointer, settingsPath: ['Resources', r.logicalId, 'Properties'], settings: r.properties, resourceId: r.logicalId, restApiId: r.properties.RestApiId });
  }
  for (const r of resourcesOfType(template, 'AWS::ApiGateway::Deployment')) {
    if (r.properties.StageName === undefined) continue; // a Stage resource creates its stage
    const description = r.properties.StageDescription;
    out.push({
      kind: 'deployment',
      logicalId: r.logicalId,
      pointer: r.pointer,
      settingsPath: ['Resources', r.logicalId, 'Properties', 'StageDescription'],
      settings: mapOrNull(description),
      resourceId: r.logicalId,
      restApiId: r.properties.RestApiId,
    });
  }
  const globals = samGlobals(template, 'Api');
  for (const r of resourcesOfType(template, 'AWS::Serverless::Api')) {
    out.push({ kind: 'samApi', logicalId: r.logicalId, pointer: r.pointer, settingsPath: ['Resources', r.logicalId, 'Properties'], settings: r.properties, globals, resourceId: r.logicalId });
  }
  const implicitEvent = implicitApiEvent(template);
  if (implicitEvent) {
    const section = isPlainObject(template.Globals) ? template.Globals.Api : undefined;
    out.push({ kind: 'samImplicitApi', logicalId: 'ServerlessRestApi', pointer: implicitEvent, settingsPath: ['Globals', 'Api'], settings: mapOrNull(section) });
  }
  return out;
}

/** The pointer of the first SAM function event that creates the implicit REST API, if any. */
function implicitApiEvent(template: Template): string | undefined {
  for (const fn of resourcesOfType(template, 'AWS::Serverless::Function')) {
    const events = fn.properties.Events;
    if (!isPlainObject(events)) continue;
    for (const [name, event] of Object.entries(events)) {
      if (!isPlainObject(event) || event.Type !== SAM_EVENT_API) continue;
      const props = isPlainObject(event.Properties) ? event.Properties : {};
      if (props.RestApiId === undefined) return pointer('Resources', fn.logicalId, 'Properties', 'Events', name);
    }
  }
  return undefined;
}

function mapOrNull(value: Json | undefined): JsonObject | undefined | null {
  if (value === undefined) return undefined;
  return isPlainObject(value) && !isIntrinsic(value) ? value : null;
}

export function hasExplicitSamApi(template: Template): boolean {
  return resourcesOfType(template, 'AWS::Serverless::Api').length > 0;
}

/** A stage-level setting as it takes effect: the resource's own, else (SAM) `Globals.Api`'s. */
export function stageSetting(stage: RestStage, key: string): Json | undefined {
  return stage.settings?.[key] ?? stage.globals?.[key];
}

/**
 * A map stackfix may write keys into: an existing map or list entry (`value`), a map to create at
 * `path` (`create: 'map'`), or a new entry of the list at `path` that starts with `seed`.
 */
export interface MapTarget {
  path: string[];
  value: JsonObject | undefined;
  create: 'map' | 'entry';
  seed?: JsonObject;
}

export type Located = { target: MapTarget } | { blocked: string };

/** Where the settings for all methods ('*' '/*') of this stage live, or why stackfix cannot tell. */
export function allMethodsSettings(stage: RestStage): Located {
  return methodSettingsEntry(stage, '*', '/*');
}

/** The MethodSettings entry for one method and resource path (`/*`, `/~1orders`), existing or to append. */
export function methodSettingsEntry(stage: RestStage, httpMethod: string, resourcePath: string): Located {
  if (stage.settings === null) return { blocked: `${stage.settingsPath.at(-1)} is computed by an intrinsic function` };
  const matches = (entry: Json) => isPlainObject(entry) && entry.HttpMethod === httpMethod && entry.ResourcePath === resourcePath;
  const listPath = [...stage.settingsPath, 'MethodSettings'];
  const local = stage.settings?.MethodSettings;
  if (local !== undefined && !Array.isArray(local)) return { blocked: 'MethodSettings is computed by an intrinsic function' };
  const localIndex = local?.findIndex(matches) ?? -1;
  if (local && localIndex >= 0) return { target: { path: [...listPath, String(localIndex)], value: local[localIndex] as JsonObject, create: 'entry' } };
  // SAM concatenates Globals.Api.MethodSettings before the resource's own: an entry there is in effect.
  const inherited = stage.globals?.MethodSettings;
  const globalIndex = Array.isArray(inherited) ? inherited.findIndex(matches) : -1;
  if (Array.isArray(inherited) && globalIndex >= 0) {
    return { target: { path: ['Globals', 'Api', 'MethodSettings', String(globalIndex)], value: inherited[globalIndex] as JsonObject, create: 'entry' } };
  }
  // A Deployment's StageDescription keys are themselves the '*' '/*' settings.
  if (stage.kind === 'deployment' && httpMethod === '*' && resourcePath === '/*') {
    return { target: { path: stage.settingsPath, value: stage.settings, create: 'map' } };
  }
  return { target: { path: listPath, value: undefined, create: 'entry', seed: { HttpMethod: httpMethod, ResourcePath: resourcePath } } };
}

/** The stage-level settings map as a target. */
export function stageSettings(stage: RestStage): Located {
  if (stage.settings === null) return { blocked: `${stage.settingsPath.at(-1)} is computed by an intrinsic function` };
  return { target: { path: stage.settingsPath, value: stage.settings, create: 'map' } };
}

/** Write `values` into a target through the patch; false when a map on the way is not a plain map. */
export function writeTo(patch: Patch, target: MapTarget, values: JsonObject): boolean {
  if (Object.keys(values).length === 0) return true;
  if (target.create === 'map' || target.value !== undefined) return patch.setKeys(target.path, values);
  return patch.append(target.path, { ...target.seed, ...values });
}

type Verdict = 'ok' | 'missing' | 'wrong' | 'unknown';

/** Is a CloudFormation boolean (`true`, `'true'`, `'False'`…) the wanted one? Intrinsics are `unknown`. */
export function booleanVerdict(value: Json | undefined, wanted: boolean): Verdict {
  if (value === undefined) return 'missing';
  const literal = typeof value === 'string' ? value.toLowerCase() : value;
  if (literal === wanted || literal === String(wanted)) return 'ok';
  if (literal === !wanted || literal === String(!wanted)) return 'wrong';
  return 'unknown';
}

/** A number given as a number or a numeric string, else undefined. */
export function literalNumber(value: Json | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** `AWS::ApiGateway::RestApi` resources no stage in this template deploys (their stage lives elsewhere). */
export function restApisWithoutStage(template: Template, stages: RestStage[]): string[] {
  const deployed = new Set(stages.map((s) => referencedId(s.restApiId)).filter((id): id is string => id !== undefined));
  return resourcesOfType(template, 'AWS::ApiGateway::RestApi')
    .map((r) => r.logicalId)
    .filter((id) => !deployed.has(id));
}

/** `AWS::ApiGateway::Method` resources of the stage's REST API (same `RestApiId` value): id and HTTP method. */
export function methodsOf(template: Template, stage: RestStage): Array<{ id: string; httpMethod: Json | undefined }> {
  if (stage.restApiId === undefined) return [];
  return resources(template)
    .filter((r) => r.type === 'AWS::ApiGateway::Method' && deepEqual(r.properties.RestApiId, stage.restApiId))
    .map((r) => ({ id: r.logicalId, httpMethod: r.properties.HttpMethod }));
}
