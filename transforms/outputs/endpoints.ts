/**
 * The invoke URL of each API of the template and each of its stages:
 * `https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/<stage>` (wss:// for WebSocket APIs;
 * no stage path for an HTTP API's `$default` stage). Stages come from the Stage resources, a
 * Deployment's StageName, SAM's StageName, and SAM's implicit APIs (REST: stage `Prod`; HTTP: `$default`).
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import { isPlainObject, resources, resourcesOfType, type ResourceRef } from '../_shared/cfn.js';

export interface Endpoint {
  /** The API's logical id (SAM's implicit ones included: `ServerlessRestApi`, `ServerlessHttpApi`). */
  api: string;
  /** `REST API`, `HTTP API`, `WebSocket API`, for descriptions. */
  what: string;
  /** The stage as written in the URL (`prod`, `${StageName}`), or '' for `$default`. */
  stage: string;
  /** Fn::Sub text of the URL. */
  url: string;
  /** Conditions of the API and stage resources: the output needs them all. */
  conditions: string[];
  /** Why no output can be written for it safely. */
  blocked?: string;
}

const DEFAULT_STAGE = '$default';

export function apiEndpoints(template: Template): Endpoint[] {
  return [...restApis(template), ...v2Apis(template), ...samApis(template), ...implicitSamApis(template)];
}

function restApis(template: Template): Endpoint[] {
  return resourcesOfType(template, 'AWS::ApiGateway::RestApi').flatMap((api) => {
    const refsApi = (r: ResourceRef) => isRefTo(r.properties.RestApiId, api.logicalId);
    const stages = [
      ...resourcesOfType(template, 'AWS::ApiGateway::Stage').filter(refsApi),
      ...resourcesOfType(template, 'AWS::ApiGateway::Deployment').filter(refsApi),
    ];
    return stages.flatMap((stage) => endpoint(template, api, 'REST API', 'https', stage.properties.StageName, [api, stage]));
  });
}

function v2Apis(template: Template): Endpoint[] {
  return resourcesOfType(template, 'AWS::ApiGatewayV2::Api').flatMap((api) => {
    const protocol = api.properties.ProtocolType;
    if (protocol !== 'HTTP' && protocol !== 'WEBSOCKET') return [];
    const stages = resourcesOfType(template, 'AWS::ApiGatewayV2::Stage').filter((s) => isRefTo(s.properties.ApiId, api.logicalId));
    const [what, scheme] = protocol === 'HTTP' ? ['HTTP API', 'https'] : ['WebSocket API', 'wss'];
    return stages.flatMap((stage) => endpoint(template, api, what, scheme, stage.properties.StageName, [api, stage]));
  });
}

function samApis(template: Template): Endpoint[] {
  return [
    ...resourcesOfType(template, 'AWS::Serverless::Api').flatMap((api) => endpoint(template, api, 'REST API', 'https', api.properties.StageName, [api])),
    ...resourcesOfType(template, 'AWS::Serverless::HttpApi').flatMap((api) =>
      endpoint(template, api, 'HTTP API', 'https', api.properties.StageName ?? DEFAULT_STAGE, [api]),
    ),
  ];
}

/** SAM creates `ServerlessRestApi` (stage Prod) and `ServerlessHttpApi` ($default) for events without an explicit API. */
function implicitSamApis(template: Template): Endpoint[] {
  const out: Endpoint[] = [];
  const implicit = [
    { api: 'ServerlessRestApi', event: 'Api', apiProperty: 'RestApiId', what: 'REST API', stage: 'Prod' },
    { api: 'ServerlessHttpApi', event: 'HttpApi', apiProperty: 'ApiId', what: 'HTTP API', stage: '' },
  ];
  for (const { api, event, apiProperty, what, stage } of implicit) {
    const functions = resourcesOfType(template, 'AWS::Serverless::Function').filter((fn) => {
      const events = fn.properties.Events;
      return isPlainObject(events) && Object.values(events).some((e) => isPlainObject(e) && e.Type === event && !(isPlainObject(e.Properties) && e.Properties[apiProperty] !== undefined));
    });
    if (functions.length === 0 || resources(template).some((r) => r.logicalId === api)) continue;
    const endpoint: Endpoint = { api, what, stage, url: url('https', api, stage), conditions: [] };
    // One unconditional function makes the implicit API unconditional; otherwise which condition
    // SAM gives it is SAM's business, not written anywhere in the template.
    if (functions.every((fn) => fn.resource.Condition !== undefined)) {
      endpoint.blocked = `every function that adds events to ${api} has a Condition, so ${api} exists only under conditions the template does not spell out`;
    }
    out.push(endpoint);
  }
  return out;
}

function endpoint(template: Template, api: ResourceRef, what: string, scheme: string, stageName: Json | undefined, holders: ResourceRef[]): Endpoint[] {
  const stage = stageText(template, stageName);
  if (stage === undefined) return [];
  return [{ api: api.logicalId, what, stage, url: url(scheme, api.logicalId, stage), conditions: conditionsOf(holders) }];
}

function url(scheme: string, api: string, stage: string): string {
  return `${scheme}://\${${api}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/${stage}`;
}

/** A stage name as Sub text: a literal, or `${Param}` for a parameter; undefined when not knowable (another intrinsic). */
function stageText(template: Template, name: Json | undefined): string | undefined {
  if (name === DEFAULT_STAGE) return '';
  if (typeof name === 'string' && /^[A-Za-z0-9_-]+$/.test(name)) return name;
  const parameters = isPlainObject(template.Parameters) ? template.Parameters : {};
  if (isPlainObject(name) && typeof name.Ref === 'string' && name.Ref in parameters) return `\${${name.Ref}}`;
  return undefined;
}

function isRefTo(value: Json | undefined, id: string): boolean {
  return isPlainObject(value) && value.Ref === id;
}

function conditionsOf(holders: ResourceRef[]): string[] {
  return [...new Set(holders.map((h) => h.resource.Condition).filter((c): c is string => typeof c === 'string'))];
}
