/**
 * What invokes a function, where that bounds its timeout: API Gateway waiting for the answer
 * (its integration limit), an SQS queue (whose visibility timeout must outlast the function).
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import { getResource, isPlainObject, referencedId, referencesIn, resources, type JsonObject, type ResourceRef } from '../_shared/cfn.js';

/** Does API Gateway invoke this function synchronously (a proxy or Lambda integration, a SAM Api/HttpApi event)? */
export function behindApiGateway(template: Template, fn: ResourceRef): boolean {
  if (samEvents(fn).some((e) => e.Type === 'Api' || e.Type === 'HttpApi')) return true;
  return resources(template).some((r) => {
    switch (r.type) {
      case 'AWS::ApiGateway::Method': {
        const integration = r.properties.Integration;
        if (!isPlainObject(integration) || !['AWS', 'AWS_PROXY'].includes(String(integration.Type))) return false;
        return referencesIn(integration.Uri ?? null).has(fn.logicalId) && !invokedAsynchronously(integration);
      }
      case 'AWS::ApiGatewayV2::Integration':
        return referencesIn(r.properties.IntegrationUri ?? null).has(fn.logicalId);
      case 'AWS::ApiGateway::RestApi':
      case 'AWS::Serverless::Api':
      case 'AWS::Serverless::HttpApi':
        // An OpenAPI body whose x-amazon-apigateway-integration points at the function.
        return referencesIn(r.properties.Body ?? r.properties.DefinitionBody ?? null).has(fn.logicalId);
      default:
        return false;
    }
  });
}

/** `X-Amz-Invocation-Type: 'Event'` makes API Gateway return at once: no integration limit applies. */
function invokedAsynchronously(integration: JsonObject): boolean {
  const params = integration.RequestParameters;
  return isPlainObject(params) && params['integration.request.header.X-Amz-Invocation-Type'] === "'Event'";
}

export interface QueueSource {
  /** The queue's logical id when it is in this template. */
  queueId?: string;
  /** How it is named, for messages about a queue outside the template. */
  label: string;
}

/** The SQS queues that feed the function: SAM `SQS` events and event source mappings. */
export function feedingQueues(template: Template, fn: ResourceRef): QueueSource[] {
  const out: QueueSource[] = [];
  for (const event of samEvents(fn)) {
    if (event.Type === 'SQS' && isPlainObject(event.Properties)) out.push(queueSource(template, event.Properties.Queue));
  }
  for (const mapping of resources(template).filter((r) => r.type === 'AWS::Lambda::EventSourceMapping')) {
    if (referencedId(mapping.properties.FunctionName) !== fn.logicalId) continue;
    const source = mapping.properties.EventSourceArn;
    const id = referencedId(source);
    const isQueue = id ? getResource(template, id)?.type === 'AWS::SQS::Queue' : typeof source === 'string' && source.includes(':sqs:');
    if (isQueue) out.push(queueSource(template, source));
  }
  return out;
}

function queueSource(template: Template, arn: Json | undefined): QueueSource {
  const id = referencedId(arn);
  if (id && getResource(template, id)?.type === 'AWS::SQS::Queue') return { queueId: id, label: id };
  return { label: typeof arn === 'string' ? arn : JSON.stringify(arn) };
}

function samEvents(fn: ResourceRef): JsonObject[] {
  const events = fn.properties.Events;
  return isPlainObject(events) ? Object.values(events).filter(isPlainObject) : [];
}

/** A literal number of seconds (`30`, `'30'`), or undefined when only known at deploy time. */
export function literalSeconds(value: Json | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}
