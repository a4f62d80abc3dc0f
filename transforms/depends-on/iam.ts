/**
 * Who grants a function its permissions: the function's role, and the separate policy resources
 * attached to that role (the ones nothing orders the function's users after).
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import { getResource, isPlainObject, referencesIn, resources, resourcesOfType, samGlobals, type ResourceRef } from '../_shared/cfn.js';

export const FUNCTION_TYPES = ['AWS::Lambda::Function', 'AWS::Serverless::Function'];

/** The functions a value points at: directly, or through an `AWS::Lambda::Alias`/`Version` of one. */
export function functionsIn(template: Template, value: Json | undefined): ResourceRef[] {
  const byId = new Map(resources(template).map((r) => [r.logicalId, r]));
  const found = new Map<string, ResourceRef>();
  for (const id of referencesIn(value)) {
    const target = byId.get(id);
    if (!target) continue;
    if (FUNCTION_TYPES.includes(target.type)) found.set(id, target);
    if (target.type === 'AWS::Lambda::Alias' || target.type === 'AWS::Lambda::Version') {
      for (const inner of referencesIn(target.properties.FunctionName)) {
        const fn = byId.get(inner);
        if (fn && FUNCTION_TYPES.includes(fn.type)) found.set(inner, fn);
      }
    }
  }
  return [...found.values()];
}

/**
 * The logical ids of a function's execution role: the `AWS::IAM::Role` its `Role` references, or, for
 * a SAM function without `Role`, the `<FunctionId>Role` that SAM generates (policies may `Ref` it).
 */
export function rolesOf(template: Template, fn: ResourceRef): string[] {
  const role = fn.properties.Role;
  if (role === undefined) return fn.type === 'AWS::Serverless::Function' ? [`${fn.logicalId}Role`] : [];
  const roles = new Set(resourcesOfType(template, 'AWS::IAM::Role').map((r) => r.logicalId));
  return [...referencesIn(role)].filter((id) => roles.has(id));
}

/**
 * Policy resources that give a role permissions from outside the role: `AWS::IAM::Policy` and
 * `ManagedPolicy` listing it in `Roles`, `AWS::IAM::RolePolicy` naming it, by `Ref` or by the role's
 * literal `RoleName`. (A managed policy in the role's own `ManagedPolicyArns` is referenced by the
 * role, so it is ordered already.)
 */
export function separatePoliciesOf(template: Template, roleId: string): ResourceRef[] {
  const roleName = getResource(template, roleId)?.properties.RoleName;
  const namesRole = (value: Json | undefined) =>
    (isPlainObject(value) && value.Ref === roleId) || (typeof roleName === 'string' && value === roleName);
  return resources(template).filter((p) => {
    if (p.type === 'AWS::IAM::Policy' || p.type === 'AWS::IAM::ManagedPolicy') {
      const roles = p.properties.Roles;
      return Array.isArray(roles) && roles.some(namesRole);
    }
    return p.type === 'AWS::IAM::RolePolicy' && namesRole(p.properties.RoleName);
  });
}

/** The `Allow` actions of a policy resource, as written (wildcards included). */
export function allowedActions(policy: ResourceRef): string[] {
  const document = policy.properties.PolicyDocument;
  const statements = isPlainObject(document) ? document.Statement : undefined;
  const list = Array.isArray(statements) ? statements : [statements];
  return list.flatMap((statement) => {
    if (!isPlainObject(statement) || statement.Effect !== 'Allow') return [];
    const action = statement.Action;
    return (Array.isArray(action) ? action : [action]).filter((a): a is string => typeof a === 'string');
  });
}

/** Does an IAM action pattern (`ec2:*`, `ec2:Create*`, `*`) cover `action`? IAM compares case-insensitively. */
export function actionCovers(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`, 'i');
  return regex.test(action);
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** A property of a SAM resource after its `Globals` section (the resource's own value wins). */
export function withGlobals(template: Template, resource: ResourceRef, section: string, key: string): Json | undefined {
  return resource.properties[key] ?? samGlobals(template, section)[key];
}
