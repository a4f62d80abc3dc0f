/**
 * Resources that name another resource of the template by its literal name instead of referencing it:
 * a table name in a function's environment, a bucket ARN in a policy. CloudFormation sees no
 * dependency in a literal. Where the literal is exactly the name, a `Ref` (or `GetAtt`) gives the same
 * value with the ordering; inside an ARN, the ordering is added as DependsOn (rewriting the ARN would
 * mean guessing the partition, region and account it was written for).
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import { isPlainObject, pointer, resources, type ResourceRef } from '../_shared/cfn.js';
import data from './data/named-types.json' with { type: 'json' };
import { FUNCTION_TYPES } from './iam.js';

interface NamedType {
  nameProperty: string;
  /** `['Ref']` or `['GetAtt', attribute]`: what gives the name back. */
  reference: string[];
  arn: { service: string; resource: string };
}

const NAMED_TYPES: Record<string, NamedType> = data.types;

interface Named {
  resource: ResourceRef;
  name: string;
  type: NamedType;
}

/** A literal that is exactly another resource's name: replace it with a reference. */
export interface LiteralName {
  dependent: string;
  target: string;
  /** Where the literal is. */
  pointer: string;
  literal: string;
  replacement: Json;
  where: string;
}

/** A literal ARN that names another resource: the holder depends on it. */
export interface LiteralArn {
  dependent: string;
  target: string;
  pointer: string;
  literal: string;
}

export function literalNames(template: Template): LiteralName[] {
  const named = namedResources(template);
  const out: LiteralName[] = [];
  const visit = (dependent: ResourceRef, path: Array<string | number>, value: Json | undefined, where: string) => {
    if (typeof value !== 'string') return;
    const matches = named.filter((n) => n.name === value && n.resource.logicalId !== dependent.logicalId);
    // Two resources with the same literal name (a bucket and a table): which one is meant is a guess.
    if (matches.length !== 1) return;
    const target = matches[0]!;
    out.push({
      dependent: dependent.logicalId,
      target: target.resource.logicalId,
      pointer: pointer('Resources', dependent.logicalId, 'Properties', ...path),
      literal: value,
      replacement: referenceTo(target),
      where,
    });
  };
  for (const fn of resources(template).filter((r) => FUNCTION_TYPES.includes(r.type))) {
    for (const [key, value] of Object.entries(environmentOf(fn))) visit(fn, ['Environment', 'Variables', key], value, `environment variable ${key}`);
    samPolicyTemplates(fn).forEach(({ index, name, parameters }) => {
      for (const [key, value] of Object.entries(parameters)) visit(fn, ['Policies', index, name, key], value, `policy template ${name} ${key}`);
    });
  }
  return out;
}

export function literalArns(template: Template): LiteralArn[] {
  const named = namedResources(template);
  const out: LiteralArn[] = [];
  for (const holder of resources(template)) {
    for (const { path, text } of arnStrings(holder)) {
      const target = named.find((n) => n.resource.logicalId !== holder.logicalId && arnNames(text, n));
      if (target) {
        out.push({ dependent: holder.logicalId, target: target.resource.logicalId, pointer: pointer('Resources', holder.logicalId, 'Properties', ...path), literal: text });
      }
    }
  }
  return out;
}

function namedResources(template: Template): Named[] {
  return resources(template).flatMap((resource) => {
    const type = NAMED_TYPES[resource.type];
    const name = type ? resource.properties[type.nameProperty] : undefined;
    return type && typeof name === 'string' && name !== '' ? [{ resource, name, type }] : [];
  });
}

function referenceTo({ resource, type }: Named): Json {
  const [kind, attribute] = type.reference;
  return kind === 'Ref' ? { Ref: resource.logicalId } : { 'Fn::GetAtt': [resource.logicalId, attribute!] };
}

function environmentOf(fn: ResourceRef): { [key: string]: Json } {
  const environment = fn.properties.Environment;
  const variables = isPlainObject(environment) ? environment.Variables : undefined;
  return isPlainObject(variables) ? variables : {};
}

/** SAM policy templates in `Policies`: `- DynamoDBCrudPolicy: { TableName: orders }`. */
function samPolicyTemplates(fn: ResourceRef): Array<{ index: number; name: string; parameters: { [key: string]: Json } }> {
  const policies = fn.type === 'AWS::Serverless::Function' ? fn.properties.Policies : undefined;
  if (!Array.isArray(policies)) return [];
  return policies.flatMap((policy, index) => {
    if (!isPlainObject(policy)) return [];
    const keys = Object.keys(policy);
    const name = keys[0];
    const parameters = name !== undefined ? policy[name] : undefined;
    return keys.length === 1 && name!.endsWith('Policy') && isPlainObject(parameters) ? [{ index, name: name!, parameters }] : [];
  });
}

/**
 * Literal text that may hold an ARN, with where it is: the `Resource` of policy statements (and the
 * text of a `Fn::Sub` there), and function environment values.
 */
function arnStrings(holder: ResourceRef): Array<{ path: Array<string | number>; text: string }> {
  const out: Array<{ path: Array<string | number>; text: string }> = [];
  const addText = (path: Array<string | number>, value: Json | undefined) => {
    if (typeof value === 'string') out.push({ path, text: value });
    const sub = isPlainObject(value) ? value['Fn::Sub'] : undefined;
    if (typeof sub === 'string') out.push({ path: [...path, 'Fn::Sub'], text: sub });
    if (Array.isArray(sub) && typeof sub[0] === 'string') out.push({ path: [...path, 'Fn::Sub', 0], text: sub[0] });
  };
  const statements = (path: Array<string | number>, document: Json | undefined) => {
    const list = isPlainObject(document) ? document.Statement : undefined;
    (Array.isArray(list) ? list : [list]).forEach((statement, i) => {
      if (!isPlainObject(statement)) return;
      const base = Array.isArray(list) ? [...path, 'Statement', i] : [...path, 'Statement'];
      const resource = statement.Resource;
      if (Array.isArray(resource)) resource.forEach((r, j) => addText([...base, 'Resource', j], r));
      else addText([...base, 'Resource'], resource);
    });
  };
  const props = holder.properties;
  if (['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy'].includes(holder.type)) statements(['PolicyDocument'], props.PolicyDocument);
  const inline = holder.type === 'AWS::IAM::Role' || holder.type === 'AWS::Serverless::Function' ? props.Policies : undefined;
  if (Array.isArray(inline)) {
    inline.forEach((policy, i) => {
      if (!isPlainObject(policy)) return;
      // A Role's entries hold a PolicyDocument; a SAM function's inline entries are the document.
      if (holder.type === 'AWS::IAM::Role') statements(['Policies', i, 'PolicyDocument'], policy.PolicyDocument);
      else if ('Statement' in policy) statements(['Policies', i], policy);
    });
  }
  if (FUNCTION_TYPES.includes(holder.type)) {
    for (const [key, value] of Object.entries(environmentOf(holder))) addText(['Environment', 'Variables', key], value);
  }
  return out;
}

/**
 * Does this text hold the ARN of `named`? `arn:<partition>:<service>:<region>:<account>:<resource>`,
 * where region and account may be Sub variables, and the resource part is the named one, alone or
 * followed by `/…` or `:…` (a bucket's objects, a log group's streams, a table's indexes).
 */
function arnNames(text: string, named: Named): boolean {
  // Variables may stand for the partition, region or account; a NUL never matches a real name.
  const parts = text.replace(/\$\{[^}]*\}/g, '\u0000').split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== named.type.arn.service) return false;
  const resourcePart = parts.slice(5).join(':');
  const expected = named.type.arn.resource.replace('{name}', named.name);
  return resourcePart === expected || resourcePart.startsWith(`${expected}/`) || resourcePart.startsWith(`${expected}:`);
}
