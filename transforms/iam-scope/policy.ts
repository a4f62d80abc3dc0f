/**
 * Reading IAM statements: which ones are too broad (the failure this transform fixes), and which
 * actions a statement or a managed policy grants.
 */
import type { Json } from '../../src/document/cfn/index.js';
import { isPlainObject } from '../../src/document/cfn/index.js';
import { actionMatches, fullAccessPolicies, managedPolicyGrants, patternHasResourceLevel } from './data.js';

export type Breadth =
  | { broad: false }
  | { broad: true; what: string }
  /** Broad, but in a shape stackfix does not rewrite (a condition, an intrinsic). */
  | { broad: true; what: string; unreadable: string };

/** A readable Allow statement: its action patterns (or NotAction), resources. */
export interface ReadStatement {
  actions: string[];
  notActions: string[] | undefined;
  resources: Json[];
  anyResource: boolean;
}

export function readStatement(statement: Json): ReadStatement | undefined {
  if (!isPlainObject(statement) || statement.Effect !== 'Allow') return undefined;
  const notActions = statement.NotAction === undefined ? undefined : stringList(statement.NotAction);
  const actions = notActions ? [] : stringList(statement.Action);
  if (actions === undefined || (statement.NotAction !== undefined && notActions === undefined)) return undefined;
  const resource = statement.Resource;
  const resources = resource === undefined ? [] : Array.isArray(resource) ? resource : [resource];
  return { actions, notActions, resources, anyResource: resources.some((r) => r === '*') };
}

/** The failure, as the judge counts it: `*`/`svc:*` actions, NotAction, or `Resource: *` for actions IAM can scope. */
export function breadthOf(statement: Json): Breadth {
  if (!isPlainObject(statement)) return { broad: false };
  if (statement.Effect !== 'Allow') {
    return hasIntrinsic(statement.Effect) && looksBroad(statement) ? { broad: true, what: 'a statement whose Effect depends on a condition', unreadable: 'its Effect is a condition (Fn::If)' } : { broad: false };
  }
  const read = readStatement(statement);
  if (!read) {
    const what = 'a statement whose actions depend on an intrinsic function';
    return looksBroad(statement) ? { broad: true, what, unreadable: 'its actions are given by an intrinsic function (Fn::If, …) that stackfix does not evaluate' } : { broad: false };
  }
  const what = describeBreadth(read);
  if (!what) return { broad: false };
  if (isPlainObject(statement) && statement.NotResource !== undefined) return { broad: true, what, unreadable: 'it uses NotResource' };
  return { broad: true, what };
}

function describeBreadth(read: ReadStatement): string | undefined {
  if (read.notActions) return 'NotAction (everything but a list)';
  const star = read.actions.filter((a) => a === '*' || /^[\w-]+:\*$/.test(a));
  if (star.length > 0) return `Action ${star.map((a) => `'${a}'`).join(', ')}`;
  if (read.anyResource && read.actions.some(patternHasResourceLevel)) return "Resource '*' for actions that can be scoped";
  return undefined;
}

/** Is an action granted by a statement's Action / NotAction? */
export function statementGrants(read: ReadStatement, action: string): boolean {
  if (read.notActions) return !read.notActions.some((p) => actionMatches(p, action));
  return read.actions.some((p) => actionMatches(p, action));
}

/** AdministratorAccess, PowerUserAccess, *FullAccess: the judge's rule for managed policies. */
export function isBroadManagedPolicy(name: string): boolean {
  return name === 'AdministratorAccess' || name === 'PowerUserAccess' || /FullAccess/.test(name);
}

/** Does a broad managed policy grant this action? undefined when stackfix does not know what it grants. */
export function managedPolicyGrantsAction(name: string, action: string): boolean | undefined {
  const prefixes = fullAccessPolicies[name];
  if (!prefixes) return undefined;
  const service = action.split(':')[0]!;
  if (prefixes.includes(`-${service}`)) return false;
  return prefixes.includes('*') || prefixes.includes(service);
}

/** Actions a known (not broad) AWS managed policy grants on every resource. */
export function knownManagedGrants(name: string): string[] {
  return managedPolicyGrants[name] ?? [];
}

function stringList(value: Json | undefined): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

function hasIntrinsic(value: Json | undefined): boolean {
  return isPlainObject(value) || Array.isArray(value);
}

/** An unreadable statement counts when any `*` action shows anywhere in it (every branch must pass). */
function looksBroad(statement: Json): boolean {
  return JSON.stringify(statement).match(/"(\*|[\w-]+:\*)"/) !== null || isPlainObject(statement) && statement.NotAction !== undefined;
}
