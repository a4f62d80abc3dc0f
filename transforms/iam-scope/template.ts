/**
 * The template as this transform sees it: Lambda functions, the execution role each one runs with,
 * and every place a statement or managed policy reaches that role from (the role's inline policies,
 * separate AWS::IAM::Policy / ManagedPolicy / RolePolicy resources, managed policy ARNs, SAM
 * `Policies`). Read-only.
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import { isPlainObject, pointer, referencedId, resources, samGlobals, type JsonObject, type ResourceRef } from '../_shared/cfn.js';

export interface LambdaFunction {
  logicalId: string;
  type: string;
  /** Properties, with SAM `Globals.Function` merged in. */
  props: JsonObject;
  pointer: string;
  /** The resource's `Metadata` (SAM build settings). */
  metadata: Json | undefined;
}

/** An execution role: an AWS::IAM::Role, or the role SAM generates for a function without `Role`. */
export interface ExecutionRole {
  logicalId: string;
  sam: boolean;
  functions: LambdaFunction[];
  /** Principals other than Lambda that may assume it (then it is not only a function's role). */
  otherPrincipals: string[];
  /** Lambda@Edge: logs go to every region. */
  edge: boolean;
  resource: ResourceRef;
}

/** Where a policy document sits, and which roles it reaches. */
export interface PolicyHolder {
  /** The resource holding it: the role, an AWS::IAM::Policy…, or the SAM function. */
  logicalId: string;
  kind: 'role-inline' | 'policy' | 'managed-policy' | 'role-policy' | 'sam-inline';
  /** Pointer to the policy document (the object with `Statement`). */
  documentPointer: string;
  document: JsonObject;
  roles: string[];
}

export interface StatementRef {
  holder: PolicyHolder;
  /** Index in `Statement`, or undefined when `Statement` is one object. */
  index: number | undefined;
  pointer: string;
  statement: Json;
}

/** An AWS managed policy attached by name or ARN. */
export interface ManagedPolicyRef {
  /** The role (ManagedPolicyArns) or SAM function (Policies) that lists it. */
  ownerId: string;
  name: string;
  /** Pointer to the list that holds it, and its index (undefined: the value is that one item). */
  listPointer: string;
  index: number | undefined;
  role: string;
}

export interface SamTemplateRef {
  ownerId: string;
  name: string;
  params: Json;
}

export interface TemplateModel {
  template: Template;
  roles: ExecutionRole[];
  holders: PolicyHolder[];
  managed: ManagedPolicyRef[];
  samTemplates: SamTemplateRef[];
  functions: LambdaFunction[];
}

const FUNCTION_TYPES = ['AWS::Lambda::Function', 'AWS::Serverless::Function'];
const LAMBDA_PRINCIPALS = /^(edge)?lambda\.(amazonaws\.com|\$\{AWS::URLSuffix\})$/;

export function readTemplate(template: Template): TemplateModel {
  const all = resources(template);
  const functions = all.filter((r) => FUNCTION_TYPES.includes(r.type)).map((r) => functionOf(template, r));
  const roles: ExecutionRole[] = [];
  for (const role of all.filter((r) => r.type === 'AWS::IAM::Role')) {
    const users = functions.filter((f) => roleIdOf(f) === role.logicalId);
    const principals = trustedServices(role.properties.AssumeRolePolicyDocument);
    const trustsLambda = principals.some((p) => LAMBDA_PRINCIPALS.test(p));
    if (!trustsLambda && users.length === 0) continue;
    roles.push({
      logicalId: role.logicalId,
      sam: false,
      functions: users,
      otherPrincipals: principals.filter((p) => !LAMBDA_PRINCIPALS.test(p)),
      edge: principals.some((p) => p.startsWith('edgelambda.')),
      resource: role,
    });
  }
  for (const fn of functions) {
    if (fn.type !== 'AWS::Serverless::Function' || fn.props.Role !== undefined) continue;
    const resource = all.find((r) => r.logicalId === fn.logicalId)!;
    roles.push({ logicalId: fn.logicalId, sam: true, functions: [fn], otherPrincipals: [], edge: false, resource });
  }
  const model: TemplateModel = { template, roles, holders: [], managed: [], samTemplates: [], functions };
  for (const role of roles) collectRolePolicies(model, role, all);
  return model;
}

/** SAM functions get `Globals.Function` merged in (maps merge, the resource wins), as SAM does. */
function functionOf(template: Template, r: ResourceRef): LambdaFunction {
  let props = r.properties;
  if (r.type === 'AWS::Serverless::Function') {
    const globals = samGlobals(template, 'Function');
    props = { ...globals, ...r.properties };
    for (const key of ['Environment', 'VpcConfig']) {
      const g = globals[key];
      const own = r.properties[key];
      if (isPlainObject(g) && isPlainObject(own)) props[key] = mergeMaps(g, own);
    }
  }
  return { logicalId: r.logicalId, type: r.type, props, pointer: r.pointer, metadata: r.resource.Metadata };
}

function mergeMaps(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const av = out[k];
    out[k] = isPlainObject(av) && isPlainObject(v) ? mergeMaps(av, v) : v;
  }
  return out;
}

/** The logical id of the role a function's `Role` names (`!GetAtt R.Arn`, `!Sub ${R.Arn}`), if it is in the template. */
export function roleIdOf(fn: LambdaFunction): string | undefined {
  const role = fn.props.Role;
  return role === undefined ? undefined : referencedId(role);
}

function trustedServices(doc: Json | undefined): string[] {
  const out: string[] = [];
  const statements = isPlainObject(doc) ? doc.Statement : undefined;
  for (const st of Array.isArray(statements) ? statements : statements ? [statements] : []) {
    if (!isPlainObject(st) || !isPlainObject(st.Principal)) continue;
    const service = st.Principal.Service;
    for (const s of Array.isArray(service) ? service : [service]) {
      if (typeof s === 'string') out.push(s);
      else if (isPlainObject(s) && typeof s['Fn::Sub'] === 'string') out.push(s['Fn::Sub']);
    }
    if (st.Principal.AWS !== undefined || st.Principal.Federated !== undefined) out.push('(an AWS or federated principal)');
  }
  return out;
}

function collectRolePolicies(model: TemplateModel, role: ExecutionRole, all: ResourceRef[]): void {
  if (role.sam) {
    collectSamPolicies(model, role);
    return;
  }
  const props = role.resource.properties;
  const policies = props.Policies;
  if (Array.isArray(policies)) {
    policies.forEach((p, i) => {
      if (isPlainObject(p) && isPlainObject(p.PolicyDocument)) {
        addHolder(model, { logicalId: role.logicalId, kind: 'role-inline', documentPointer: pointer('Resources', role.logicalId, 'Properties', 'Policies', i, 'PolicyDocument'), document: p.PolicyDocument, roles: [role.logicalId] });
      }
    });
  }
  const arns = props.ManagedPolicyArns;
  if (Array.isArray(arns)) {
    arns.forEach((arn, i) => {
      const name = awsManagedName(arn);
      const listPointer = pointer('Resources', role.logicalId, 'Properties', 'ManagedPolicyArns');
      if (name) model.managed.push({ ownerId: role.logicalId, name, listPointer, index: i, role: role.logicalId });
      const id = referencedId(arn);
      const target = id ? all.find((r) => r.logicalId === id && r.type === 'AWS::IAM::ManagedPolicy') : undefined;
      if (target) addSeparatePolicy(model, target, role.logicalId);
    });
  }
  const roleName = props.RoleName;
  for (const r of all) {
    if (r.type === 'AWS::IAM::Policy' || r.type === 'AWS::IAM::ManagedPolicy') {
      const listed = Array.isArray(r.properties.Roles) ? r.properties.Roles : [];
      if (listed.some((x) => referencedId(x) === role.logicalId || (typeof roleName === 'string' && x === roleName))) addSeparatePolicy(model, r, role.logicalId);
    } else if (r.type === 'AWS::IAM::RolePolicy') {
      const named = r.properties.RoleName;
      if (referencedId(named) === role.logicalId || (typeof roleName === 'string' && named === roleName)) addSeparatePolicy(model, r, role.logicalId);
    }
  }
}

function addSeparatePolicy(model: TemplateModel, r: ResourceRef, roleId: string): void {
  const existing = model.holders.find((h) => h.logicalId === r.logicalId);
  if (existing) {
    if (!existing.roles.includes(roleId)) existing.roles.push(roleId);
    return;
  }
  const doc = r.properties.PolicyDocument;
  if (!isPlainObject(doc)) return;
  const kind = r.type === 'AWS::IAM::Policy' ? 'policy' : r.type === 'AWS::IAM::ManagedPolicy' ? 'managed-policy' : 'role-policy';
  // A separate policy may list roles that are not Lambda roles: remember every role it reaches.
  const listed = Array.isArray(r.properties.Roles) ? r.properties.Roles.map((x) => referencedId(x) ?? String(x)) : [];
  const roles = [...new Set([roleId, ...listed])];
  addHolder(model, { logicalId: r.logicalId, kind, documentPointer: pointer('Resources', r.logicalId, 'Properties', 'PolicyDocument'), document: doc, roles });
}

function addHolder(model: TemplateModel, holder: PolicyHolder): void {
  model.holders.push(holder);
}

/** SAM `Policies`: a managed policy name or ARN, a policy document, a policy template, or a list of them. */
function collectSamPolicies(model: TemplateModel, role: ExecutionRole): void {
  const fn = role.functions[0]!;
  const own = role.resource.properties.Policies;
  const base = pointer('Resources', fn.logicalId, 'Properties', 'Policies');
  const items = Array.isArray(own) ? own : own === undefined ? [] : [own];
  items.forEach((item, i) => {
    const index = Array.isArray(own) ? i : undefined;
    const itemPointer = index === undefined ? base : `${base}/${index}`;
    if (typeof item === 'string' || isIntrinsicArn(item)) {
      const name = awsManagedName(item) ?? (typeof item === 'string' && !item.startsWith('arn:') ? item : undefined);
      if (name) model.managed.push({ ownerId: fn.logicalId, name, listPointer: base, index, role: role.logicalId });
    } else if (isPlainObject(item) && item.Statement !== undefined) {
      addHolder(model, { logicalId: fn.logicalId, kind: 'sam-inline', documentPointer: itemPointer, document: item, roles: [role.logicalId] });
    } else if (isPlainObject(item) && Object.keys(item).length === 1) {
      const [name] = Object.keys(item);
      model.samTemplates.push({ ownerId: fn.logicalId, name: name!, params: item[name!]! });
    }
  });
}

function isIntrinsicArn(value: Json): boolean {
  return isPlainObject(value) && typeof value['Fn::Sub'] === 'string';
}

/** `arn:aws:iam::aws:policy/service-role/X` or `!Sub arn:${AWS::Partition}:iam::aws:policy/X` → `X`. */
export function awsManagedName(value: Json): string | undefined {
  const text = typeof value === 'string' ? value : isPlainObject(value) && typeof value['Fn::Sub'] === 'string' ? value['Fn::Sub'] : undefined;
  const m = text ? /^arn:(?:aws[\w-]*|\$\{AWS::Partition\}):iam::aws:policy\/(?:.*\/)?([\w+=,.@-]+)$/.exec(text) : undefined;
  return m?.[1];
}

/** The statements of a policy document, with their pointers. */
export function statementsOf(holder: PolicyHolder): StatementRef[] {
  const statements = holder.document.Statement;
  const base = `${holder.documentPointer}/Statement`;
  if (Array.isArray(statements)) return statements.map((statement, index) => ({ holder, index, pointer: `${base}/${index}`, statement }));
  if (statements === undefined) return [];
  return [{ holder, index: undefined, pointer: base, statement: statements }];
}
