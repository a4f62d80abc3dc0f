/**
 * Access log formats: one JSON object per request, with the standard fields of each API kind (the
 * fields of CDK's `AccessLogFormat.jsonWithStandardFields()` for REST APIs). Context variables:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference
 */
export type ApiKind = 'rest' | 'http' | 'websocket';

const FIELDS: Record<ApiKind, Record<string, string>> = {
  rest: {
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    caller: '$context.identity.caller',
    user: '$context.identity.user',
    requestTime: '$context.requestTime',
    httpMethod: '$context.httpMethod',
    resourcePath: '$context.resourcePath',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
  },
  http: {
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    httpMethod: '$context.httpMethod',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
  },
  websocket: {
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    eventType: '$context.eventType',
    routeKey: '$context.routeKey',
    status: '$context.status',
    connectionId: '$context.connectionId',
  },
};

/** The `Format` string of an access log setting for this kind of API. */
export function accessLogFormat(kind: ApiKind): string {
  return JSON.stringify(FIELDS[kind]);
}
