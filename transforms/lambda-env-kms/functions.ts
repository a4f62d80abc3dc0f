/**
 * Which functions carry environment variables without a customer managed key. SAM functions are
 * read after `Globals.Function` is merged in, as SAM does (maps merge, the function's own values win).
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import { isPlainObject, pointer, resourcesOfType, samGlobals, type JsonObject, type ResourceRef } from '../_shared/cfn.js';

export interface LambdaFunction {
  resource: ResourceRef;
  sam: boolean;
  /** Settings as deployed: SAM Globals merged in. */
  settings: JsonObject;
  /** The variables, merged with Globals; an intrinsic stays as it is. */
  variables: Json | undefined;
}

export function lambdaFunctions(template: Template): LambdaFunction[] {
  const globals = samGlobals(template, 'Function');
  return resourcesOfType(template, 'AWS::Lambda::Function', 'AWS::Serverless::Function').map((resource) => {
    const sam = resource.type === 'AWS::Serverless::Function';
    const settings = sam ? { ...globals, ...resource.properties } : resource.properties;
    const own = variablesOf(resource.properties.Environment);
    const inherited = sam ? variablesOf(globals.Environment) : undefined;
    const variables = isPlainObject(own) && isPlainObject(inherited) ? { ...inherited, ...own } : (own ?? inherited);
    return { resource, sam, settings, variables };
  });
}

function variablesOf(environment: Json | undefined): Json | undefined {
  if (environment === undefined) return undefined;
  return isPlainObject(environment) && !isIntrinsic(environment) ? environment.Variables : environment;
}

/** Variables that exist in some branch: a non-empty map, or an intrinsic that may yield one. */
export function hasVariables(fn: LambdaFunction): boolean {
  const v = fn.variables;
  return isPlainObject(v) && (isIntrinsic(v) || Object.keys(v).length > 0);
}

type KeyState = 'set' | 'absent' | 'conditional';

/** `set` when every branch names a key; `conditional` when an Fn::If leaves some branch without one. */
export function keyState(value: Json | undefined): KeyState {
  if (value === undefined || value === '' || isNoValue(value)) return 'absent';
  if (isPlainObject(value) && Array.isArray(value['Fn::If'])) {
    const [, a, b] = value['Fn::If'] as Json[];
    return keyState(a) === 'set' && keyState(b) === 'set' ? 'set' : 'conditional';
  }
  return 'set';
}

function isNoValue(value: Json): boolean {
  return isPlainObject(value) && value.Ref === 'AWS::NoValue';
}

export function isIntrinsic(value: Json | undefined): boolean {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'));
}

export function propertyPointer(fn: LambdaFunction, ...rest: string[]): string {
  return pointer('Resources', fn.resource.logicalId, 'Properties', ...rest);
}
