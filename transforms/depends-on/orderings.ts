/**
 * The hidden orderings of the catalogue (rules.ts): for each, which resource must be created after
 * which. Detectors only state what the template needs; whether it is already ordered, and whether a
 * DependsOn can be added safely, is decided once for all of them in cfn.ts.
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import { isPlainObject, resources, resourcesOfType, type ResourceRef } from '../_shared/cfn.js';
import { actionCovers, allowedActions, FUNCTION_TYPES, functionsIn, rolesOf, separatePoliciesOf, withGlobals } from './iam.js';
import { RULES, type Rule } from './rules.js';

export interface RequiredOrdering {
  rule: Rule;
  /** The resource that must come later (it gets the DependsOn). */
  dependent: string;
  /** The resource it must come after. */
  target: string;
  /** What ties them, for the message: `Method GetMethod of its REST API`. */
  because: string;
}

export function requiredOrderings(template: Template): RequiredOrdering[] {
  return [
    ...deploymentsAfterMethods(template),
    ...usersAfterRolePolicies(template),
    ...functionsAfterRolePolicies(template),
    ...stagesAfterAccount(template),
  ];
}

function deploymentsAfterMethods(template: Template): RequiredOrdering[] {
  const methods = resourcesOfType(template, 'AWS::ApiGateway::Method');
  return resourcesOfType(template, 'AWS::ApiGateway::Deployment').flatMap((deployment) => {
    const api = deployment.properties.RestApiId;
    if (api === undefined) return [];
    // Compared as values: `!Ref Api` in both, or the same imported id.
    const key = JSON.stringify(api);
    return methods
      .filter((method) => JSON.stringify(method.properties.RestApiId) === key)
      .map((method) => ({
        rule: RULES.deploymentAfterMethods,
        dependent: deployment.logicalId,
        target: method.logicalId,
        because: `Method ${method.logicalId} of its REST API`,
      }));
  });
}

/** Resources that use a function's permissions while the stack deploys, and where the function is named. */
function functionUsers(template: Template): Array<{ user: ResourceRef; via: Json | undefined }> {
  return resources(template).flatMap((r) => {
    if (r.type === 'AWS::Lambda::EventSourceMapping') return [{ user: r, via: r.properties.FunctionName }];
    if (r.type === 'AWS::CloudFormation::CustomResource' || r.type.startsWith('Custom::')) return [{ user: r, via: r.properties.ServiceToken }];
    return [];
  });
}

/** SAM event types that become an EventSourceMapping of the function. */
const SAM_POLLING_EVENTS = new Set(['SQS', 'Kinesis', 'DynamoDB', 'MSK', 'MQ', 'SelfManagedKafka', 'DocumentDB']);

function usersAfterRolePolicies(template: Template): RequiredOrdering[] {
  const explicit = functionUsers(template).flatMap(({ user, via }) =>
    functionsIn(template, via).flatMap((fn) => policyOrderings(template, RULES.afterRolePolicy, user.logicalId, fn, `function ${fn.logicalId}`)),
  );
  // SAM generates the mapping from the function's Events and references the function from it, so
  // ordering the function after the policy orders the mapping too.
  const samPolling = resourcesOfType(template, 'AWS::Serverless::Function').flatMap((fn) => {
    const events = fn.properties.Events;
    const polls = isPlainObject(events) && Object.values(events).some((e) => isPlainObject(e) && SAM_POLLING_EVENTS.has(String(e.Type)));
    return polls ? policyOrderings(template, RULES.afterRolePolicy, fn.logicalId, fn, 'its event source mapping (from Events)') : [];
  });
  return [...explicit, ...samPolling];
}

/** `dependent` must come after every separate policy (that `keep` accepts) granting `fn`'s role. */
function policyOrderings(
  template: Template,
  rule: Rule,
  dependent: string,
  fn: ResourceRef,
  user: string,
  keep = (_policy: ResourceRef) => true,
): RequiredOrdering[] {
  return rolesOf(template, fn).flatMap((role) =>
    separatePoliciesOf(template, role)
      .filter(keep)
      .map((policy) => ({
        rule,
        dependent,
        target: policy.logicalId,
        because: `${policy.type} ${policy.logicalId}, which grants role ${role} of ${user}`,
      })),
  );
}

/** What Lambda checks the role for when it creates a function with these settings. */
const CHECKED_AT_CREATION: Array<{ setting: (t: Template, fn: ResourceRef) => Json | undefined; actions: string[] }> = [
  { setting: (t, fn) => withGlobals(t, fn, 'Function', 'VpcConfig'), actions: ['ec2:CreateNetworkInterface'] },
  {
    setting: (t, fn) => fn.properties.DeadLetterConfig ?? withGlobals(t, fn, 'Function', 'DeadLetterQueue'),
    actions: ['sqs:SendMessage', 'sns:Publish'],
  },
];

function functionsAfterRolePolicies(template: Template): RequiredOrdering[] {
  return resourcesOfType(template, ...FUNCTION_TYPES).flatMap((fn) => {
    const needed = CHECKED_AT_CREATION.filter((c) => c.setting(template, fn) !== undefined).flatMap((c) => c.actions);
    if (needed.length === 0) return [];
    // Only a policy that grants what Lambda checks matters; others may come later.
    const grantsNeeded = (policy: ResourceRef) => allowedActions(policy).some((p) => needed.some((a) => actionCovers(p, a)));
    return policyOrderings(template, RULES.functionAfterRolePolicy, fn.logicalId, fn, `function ${fn.logicalId}`, grantsNeeded);
  });
}

function stagesAfterAccount(template: Template): RequiredOrdering[] {
  const accounts = resourcesOfType(template, 'AWS::ApiGateway::Account');
  if (accounts.length === 0) return [];
  const logging: Array<{ id: string; what: string }> = [];
  for (const stage of resourcesOfType(template, 'AWS::ApiGateway::Stage')) {
    if (logsToCloudWatch(stage.properties)) logging.push({ id: stage.logicalId, what: 'stage' });
  }
  for (const deployment of resourcesOfType(template, 'AWS::ApiGateway::Deployment')) {
    const description = deployment.properties.StageDescription;
    if (isPlainObject(description) && (logsToCloudWatch(description) || isLoggingLevel(description.LoggingLevel))) {
      logging.push({ id: deployment.logicalId, what: 'deployment stage (StageDescription)' });
    }
  }
  for (const api of resourcesOfType(template, 'AWS::Serverless::Api')) {
    const settings = { MethodSettings: withGlobals(template, api, 'Api', 'MethodSettings'), AccessLogSetting: withGlobals(template, api, 'Api', 'AccessLogSetting') };
    if (logsToCloudWatch(settings)) logging.push({ id: api.logicalId, what: 'SAM API stage' });
  }
  if (implicitRestApiLogs(template)) logging.push({ id: 'ServerlessRestApi', what: 'implicit SAM API stage (Globals.Api)' });
  return logging.flatMap(({ id, what }) =>
    accounts.map((account) => ({
      rule: RULES.stageAfterAccount,
      dependent: id,
      target: account.logicalId,
      because: `the AWS::ApiGateway::Account ${account.logicalId} its ${what} logging needs`,
    })),
  );
}

function logsToCloudWatch(settings: { [key: string]: Json | undefined }): boolean {
  const methodSettings = settings.MethodSettings;
  const executionLogging = Array.isArray(methodSettings) && methodSettings.some((m) => isPlainObject(m) && isLoggingLevel(m.LoggingLevel));
  return executionLogging || settings.AccessLogSetting !== undefined;
}

/** A LoggingLevel that logs: ERROR, INFO, or an expression (it may be either). `OFF` needs no role. */
function isLoggingLevel(level: Json | undefined): boolean {
  return level !== undefined && level !== null && level !== 'OFF';
}

function implicitRestApiLogs(template: Template): boolean {
  const hasImplicitApi = resourcesOfType(template, 'AWS::Serverless::Function').some((fn) => {
    const events = fn.properties.Events;
    return (
      isPlainObject(events) &&
      Object.values(events).some((e) => isPlainObject(e) && e.Type === 'Api' && !(isPlainObject(e.Properties) && e.Properties.RestApiId !== undefined))
    );
  });
  const globals = isPlainObject(template.Globals) && isPlainObject(template.Globals.Api) ? template.Globals.Api : {};
  return hasImplicitApi && logsToCloudWatch(globals);
}
