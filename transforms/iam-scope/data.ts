/**
 * The domain knowledge of this transform, read from data/ (each file names its source): which IAM
 * actions exist and take which resources, how SDK clients and operations map to them, what AWS
 * managed policies, SAM policy templates and CDK grant methods grant, and what Lambda itself does
 * with a role.
 */
import iamActions from './data/iam-actions.json' with { type: 'json' };
import sdkClients from './data/sdk-clients.json' with { type: 'json' };
import sdkOperations from './data/sdk-operations.json' with { type: 'json' };
import resourceParams from './data/resource-params.json' with { type: 'json' };
import cfnResources from './data/cfn-resources.json' with { type: 'json' };
import managedPolicies from './data/managed-policies.json' with { type: 'json' };
import samTemplates from './data/sam-policy-templates.json' with { type: 'json' };
import runtimeNeeds from './data/runtime-needs.json' with { type: 'json' };
import libraries from './data/libraries.json' with { type: 'json' };
import cdkGrants from './data/cdk-grants.json' with { type: 'json' };

interface ServiceData {
  /** Resource types per action; a required one ends in `*` (scripts/generate-iam-actions.mjs). */
  actions: Record<string, string[]>;
  arns: Record<string, string>;
}

export interface SdkClient {
  /** IAM service prefix. */
  iam: string;
  boto3: string;
  v2: string;
  v3: string;
  /** Every operation of this client needs this one action (API Gateway's management API). */
  actionFor?: string;
}

export interface ResourceParam {
  param: string;
  /** IAM resource type the value names. */
  type: string;
  form: 'name' | 'arn' | 'name-or-arn' | 'url' | 'key-id';
}

export interface CfnResourceInfo {
  service: string;
  type: string;
  /** `${Id.Arn}`-style template of the ARN, when the resource returns one. */
  arn?: string;
  nameProperty?: string;
  children?: Record<string, string>;
}

/** One `grant*` method of an L2 construct and what it allows on the construct's resource. */
export interface GrantMethod {
  name: string;
  /** Its name on the construct's `grants` object, when it has one (`table.grants.readData`). */
  grants?: string;
  /** How many arguments it takes, the grantee first. */
  args: number;
  actions: string[];
}

export interface GrantConstruct {
  module: string;
  classes: string[];
  /** Static methods that import an existing resource as the same interface. */
  imports: string[];
  service: string;
  /** The method that takes the actions themselves: `queue.grant(fn, 'sqs:SendMessage')`. */
  generic?: string;
  methods: GrantMethod[];
}

export interface SamTemplate {
  parameter: string;
  value: Record<string, string>;
  actions: string[];
  children?: string[];
}

const SERVICES = (iamActions as { services: Record<string, ServiceData> }).services;
const CLIENTS = sdkClients.clients as SdkClient[];
const OPERATIONS = sdkOperations.operations as Record<string, string[]>;
const PERMISSIONLESS = new Set(sdkOperations.permissionless);

export const documentClientMethods = sdkOperations.documentClient.methods as Record<string, string>;
export const documentClientCommands = sdkOperations.documentClient.commands as Record<string, string>;
export const jsHelpers = sdkOperations.helpers.js as Record<string, string>;
export const pythonHelpers = sdkOperations.helpers.python as Record<string, string>;
export const pythonResourceMethods = sdkOperations.helpers.pythonResources as Record<string, Record<string, string>>;
export const runtime = runtimeNeeds;
export const awsCallingLibraries = libraries;
export const samPolicyTemplates = samTemplates.templates as Record<string, SamTemplate>;
export const samGlobalTemplates = samTemplates.global as Record<string, string[]>;
/** Services without resource-based policies: their calls reach only this account's resources. */
export const singleAccountServices = new Set(resourceParams.singleAccount.services);
export const managedPolicyGrants = managedPolicies.grants as Record<string, string[]>;
export const fullAccessPolicies = managedPolicies.fullAccess as Record<string, string[]>;
export const grantConstructs = cdkGrants.constructs as GrantConstruct[];

export function clientByBoto3(name: string): SdkClient | undefined {
  return CLIENTS.find((c) => c.boto3 === name);
}

export function clientByV2(className: string): SdkClient | undefined {
  return CLIENTS.find((c) => c.v2 === className || c.v2.toLowerCase() === className.toLowerCase());
}

/** `@aws-sdk/client-s3` (or `@aws-sdk/lib-dynamodb`, which wraps DynamoDB). */
export function clientByV3Package(pkg: string): SdkClient | undefined {
  if (pkg === '@aws-sdk/lib-dynamodb') return clientByV3Package('@aws-sdk/client-dynamodb');
  const name = pkg.replace(/^@aws-sdk\//, '');
  return CLIENTS.find((c) => c.v3 === name);
}

export function isKnownService(service: string): boolean {
  return service in SERVICES;
}

/** The resource types an action takes, or undefined when the reference has no such action. */
export function resourceTypesOf(action: string): string[] | undefined {
  return markedTypesOf(action)?.map((t) => t.replace(/\*$/, ''));
}

/**
 * Does every request of the action name a resource of one of its types (the reference marks one
 * required)? When not, a request may name none (`cloudwatch:PutMetricData` names a dataset only
 * when it writes to one), and only `Resource: '*'` allows such a request.
 */
export function requiresResource(action: string): boolean {
  return markedTypesOf(action)?.some((t) => t.endsWith('*')) ?? false;
}

function markedTypesOf(action: string): string[] | undefined {
  const [service, name] = splitAction(action);
  return SERVICES[service]?.actions[name];
}

export function actionExists(action: string): boolean {
  return resourceTypesOf(action) !== undefined;
}

export function arnFormat(service: string, resourceType: string): string | undefined {
  return SERVICES[service]?.arns[resourceType];
}

/**
 * The IAM actions one SDK operation needs: the exceptions table first, else the action of the same
 * name. `[]` for operations that need no permission; undefined when nothing in the reference fits.
 */
export function actionsForOperation(client: SdkClient, operation: string): string[] | undefined {
  if (client.actionFor) return [`${client.iam}:${client.actionFor}`];
  const key = `${client.iam}:${operation}`;
  if (PERMISSIONLESS.has(key)) return [];
  const mapped = OPERATIONS[key];
  if (mapped) return mapped.filter(actionExists);
  return actionExists(key) ? [key] : undefined;
}

/** Is `name` an operation of this client (a method name of its SDK, in PascalCase)? */
export function isOperation(client: SdkClient, operation: string): boolean {
  return actionsForOperation(client, operation) !== undefined;
}

export function resourceParamsOf(service: string): ResourceParam[] {
  return ((resourceParams.params as Record<string, ResourceParam[]>)[service] ?? []);
}

export function cfnResourceInfo(type: string): CfnResourceInfo | undefined {
  return (cfnResources.types as Record<string, CfnResourceInfo>)[type];
}

/** Does the IAM action pattern (`s3:Get*`, `*`, `sqs:SendMessage`) match the action? Case-insensitive, as IAM. */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  return patternRegExp(pattern).test(action);
}

/**
 * Patterns compiled once: choosing grants tries every subset of a construct's grant methods and
 * expands their patterns over a whole service each time. Patterns come from the reference data and
 * the code being fixed, so the cache stays small.
 */
const compiledPatterns = new Map<string, RegExp>();

function patternRegExp(pattern: string): RegExp {
  let re = compiledPatterns.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.split('*').map(escapeRegExp).join('.*').replace(/\?/g, '.') + '$', 'i');
    compiledPatterns.set(pattern, re);
  }
  return re;
}

/** Does the pattern match some action that takes a resource type (IAM can scope it)? */
export function patternHasResourceLevel(pattern: string): boolean {
  if (pattern === '*' || /^[^:]*\*/.test(pattern)) return true;
  const [service] = splitAction(pattern);
  const data = SERVICES[service];
  if (!data) return false;
  return Object.entries(data.actions).some(([name, types]) => types.length > 0 && actionMatches(pattern, `${service}:${name}`));
}

/** The actions of the reference a pattern stands for (for comparing against SAM templates). Shared: do not modify. */
export function expandPattern(pattern: string): readonly string[] {
  let actions = expansions.get(pattern);
  if (!actions) {
    const [service] = splitAction(pattern);
    const data = SERVICES[service];
    actions = data ? Object.keys(data.actions).map((name) => `${service}:${name}`).filter((action) => actionMatches(pattern, action)) : [pattern];
    expansions.set(pattern, Object.freeze(actions));
  }
  return actions;
}

const expansions = new Map<string, readonly string[]>();

export function splitAction(action: string): [string, string] {
  const i = action.indexOf(':');
  return i === -1 ? [action, ''] : [action.slice(0, i), action.slice(i + 1)];
}

/** `get_object` / `getObject` → `GetObject`; `list_objects_v2` → `ListObjectsV2`. */
export function pascalCase(method: string): string {
  return method
    .split('_')
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}
