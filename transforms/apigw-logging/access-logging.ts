/**
 * Access logging: every REST stage gets `AccessLogSetting`, every HTTP/WebSocket stage
 * `AccessLogSettings`, pointing at a log group created for it (with retention) and logging one JSON
 * object per request.
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import type { CfnFindingInput } from '../../src/transform.js';
import { getResource, isIntrinsic, isPlainObject, pointer, referencedId, resourcesOfType, samGlobals, uniqueLogicalId, type JsonObject } from '../_shared/cfn.js';
import { Patch } from '../_shared/apigw/patch.js';
import { hasExplicitSamApi, type RestStage } from '../_shared/apigw/rest-stages.js';
import { accessLogFormat, type ApiKind } from './access-log-format.js';
import type { LoggingOptions } from './meta.js';

/** A place that holds an access log setting. */
export interface AccessLogSite {
  logicalId: string;
  pointer: string;
  /** Path of the `AccessLogSetting(s)` map to write (the resource's own, or `Globals.*` for implicit APIs). */
  path: string[];
  /** The setting in effect: for SAM, `Globals` merged under the resource's own (maps merge, the resource wins). */
  current: Json | undefined;
  kind: ApiKind;
  /** The stage's `Condition`, which the new log group shares. */
  condition?: Json;
  /** Why this site must not be written (an implicit API whose Globals other APIs inherit). */
  shared?: string;
}

export function restAccessLogSite(template: Template, stage: RestStage): AccessLogSite | { blocked: string } {
  if (stage.settings === null) return { blocked: `${stage.settingsPath.at(-1)} is computed by an intrinsic function` };
  const key = 'AccessLogSetting';
  return {
    logicalId: stage.logicalId,
    pointer: stage.pointer,
    path: [...stage.settingsPath, key],
    current: samMerge(stage.globals?.[key], stage.settings?.[key]),
    kind: 'rest',
    condition: stage.resourceId ? getResource(template, stage.resourceId)?.resource.Condition : undefined,
    shared: stage.kind === 'samImplicitApi' && hasExplicitSamApi(template) ? 'Globals.Api' : undefined,
  };
}

/** HTTP and WebSocket stages: `AWS::ApiGatewayV2::Stage`, `AWS::Serverless::HttpApi`, SAM's implicit `ServerlessHttpApi`. */
export function v2AccessLogSites(template: Template): AccessLogSite[] {
  const key = 'AccessLogSettings';
  const sites: AccessLogSite[] = resourcesOfType(template, 'AWS::ApiGatewayV2::Stage').map((r) => ({
    logicalId: r.logicalId,
    pointer: r.pointer,
    path: ['Resources', r.logicalId, 'Properties', key],
    current: r.properties[key],
    kind: protocolOf(template, r.properties.ApiId),
    condition: r.resource.Condition,
  }));
  const globals = samGlobals(template, 'HttpApi');
  const explicit = resourcesOfType(template, 'AWS::Serverless::HttpApi');
  for (const r of explicit) {
    sites.push({ logicalId: r.logicalId, pointer: r.pointer, path: ['Resources', r.logicalId, 'Properties', key], current: samMerge(globals[key], r.properties[key]), kind: 'http', condition: r.resource.Condition });
  }
  const implicitEvent = implicitHttpApiEvent(template);
  if (implicitEvent) {
    sites.push({ logicalId: 'ServerlessHttpApi', pointer: implicitEvent, path: ['Globals', 'HttpApi', key], current: globals[key], kind: 'http', shared: explicit.length > 0 ? 'Globals.HttpApi' : undefined });
  }
  return sites;
}

function protocolOf(template: Template, apiId: Json | undefined): ApiKind {
  const api = getResource(template, referencedId(apiId) ?? '');
  return api?.type === 'AWS::ApiGatewayV2::Api' && api.properties.ProtocolType === 'WEBSOCKET' ? 'websocket' : 'http';
}

function implicitHttpApiEvent(template: Template): string | undefined {
  for (const fn of resourcesOfType(template, 'AWS::Serverless::Function')) {
    const events = isPlainObject(fn.properties.Events) ? fn.properties.Events : {};
    for (const [name, event] of Object.entries(events)) {
      const props = isPlainObject(event) && isPlainObject(event.Properties) ? event.Properties : {};
      if (isPlainObject(event) && event.Type === 'HttpApi' && props.ApiId === undefined) return pointer('Resources', fn.logicalId, 'Properties', 'Events', name);
    }
  }
  return undefined;
}

/** SAM's Globals merge for one map property: keys merge, the resource's win. */
function samMerge(inherited: Json | undefined, own: Json | undefined): Json | undefined {
  if (isPlainObject(inherited) && isPlainObject(own) && !isIntrinsic(inherited) && !isIntrinsic(own)) return { ...inherited, ...own };
  return own ?? inherited;
}

/** The finding for a site without a destination or format; `taken` collects logical ids planned in this pass. */
export function accessLogging(template: Template, site: AccessLogSite, options: LoggingOptions, taken: Set<string>): CfnFindingInput | undefined {
  const where = { pointer: site.pointer, logicalId: site.logicalId };
  const setting = site.current ?? {};
  const key = site.path.at(-1)!;
  if (!isPlainObject(setting) || isIntrinsic(setting)) {
    return { ...where, messageId: 'accessLogComputed', message: `${site.logicalId}: cannot tell whether access logs are on.`, manual: `${key} is computed by an intrinsic function` };
  }
  const destination = setting.DestinationArn;
  const values: JsonObject = {};
  let logGroupId: string | undefined;
  if (destination === undefined || destination === '') {
    logGroupId = uniqueLogicalId(template, `${site.logicalId}AccessLogs`, taken);
    taken.add(logGroupId);
    values.DestinationArn = { 'Fn::GetAtt': [logGroupId, 'Arn'] };
  }
  if (setting.Format === undefined) values.Format = accessLogFormat(site.kind);
  if (Object.keys(values).length === 0) return undefined;
  if (site.shared) {
    return { ...where, messageId: 'implicitApiSharedAccessLogs', message: `${site.logicalId} (an implicit SAM API) writes no access logs.`, manual: `its settings come from ${site.shared}, which every explicit API of that type in this template inherits too; give the events an explicit API or set ${site.shared} yourself` };
  }

  const patch = new Patch(template);
  if (logGroupId) {
    patch.addResource(logGroupId, {
      Type: 'AWS::Logs::LogGroup',
      ...(site.condition !== undefined ? { Condition: site.condition } : {}),
      DeletionPolicy: options.logGroupDeletionPolicy,
      UpdateReplacePolicy: options.logGroupDeletionPolicy,
      Properties: { RetentionInDays: options.retentionInDays },
    });
  }
  if (!patch.setKeys(site.path, values)) {
    return { ...where, messageId: 'accessLogComputed', message: `${site.logicalId}: cannot add the access log setting.`, manual: 'a map on the way to it is computed by an intrinsic function' };
  }
  return {
    ...where,
    messageId: 'accessLoggingOff',
    message: logGroupId
      ? `${site.logicalId}: access logs on, one JSON line per request with the standard fields, into the new log group ${logGroupId} (${options.retentionInDays} days retention).`
      : `${site.logicalId}: access log Format added (JSON with the standard fields); the destination was set but API Gateway needs both.`,
    fix: patch.ops,
  };
}
