/**
 * Reading a template's JSON view: the small queries most transforms need. Pure functions over the
 * view; nothing here edits.
 */
import type { Operation } from 'fast-json-patch';
import type { Json, Template } from '../../src/document/cfn/index.js';
import { isPlainObject } from '../../src/document/cfn/index.js';
import { pointer } from '../../src/document/pointer.js';

export type JsonObject = { [key: string]: Json };

export interface ResourceRef {
  logicalId: string;
  type: string;
  resource: JsonObject;
  /** `Properties`, or an empty object when absent. */
  properties: JsonObject;
  /** `/Resources/<id>` */
  pointer: string;
}

/**
 * A cache of what is computed from a part of the view, kept by that part's object. Fixes copy what they
 * change (copy-on-write), so a part no fix touched is the same object in the next pass, and what was
 * computed from it still holds. `place` tells apart what the same object gives in different places
 * (a resource's edges name its logical id); one object keeps one result, the last computed.
 */
export function perObjectCache<T>(): (part: object, place: string, compute: () => T) => T {
  const kept = new WeakMap<object, { place: string; value: T }>();
  return (part, place, compute) => {
    const known = kept.get(part);
    if (known?.place === place) return known.value;
    const value = compute();
    kept.set(part, { place, value });
    return value;
  };
}

/** The resource list of a Resources section: every transform asks for it, every pass. */
const listed = perObjectCache<readonly ResourceRef[]>();
/** Shared by every resource without Properties: frozen, so that writing to it fails loudly. */
const NO_PROPERTIES: JsonObject = Object.freeze({}) as JsonObject;

export function resources(template: Template): ResourceRef[] {
  const section = template.Resources;
  if (!isPlainObject(section)) return [];
  const list = listed(section, '', () => listResources(section));
  // A copy: callers may sort or filter it in place. The refs themselves are shared, read-only.
  return list.slice();
}

function listResources(section: { [key: string]: Json }): ResourceRef[] {
  const out: ResourceRef[] = [];
  for (const [logicalId, resource] of Object.entries(section)) {
    if (!isPlainObject(resource) || typeof resource.Type !== 'string') continue;
    out.push({
      logicalId,
      type: resource.Type,
      resource,
      properties: isPlainObject(resource.Properties) ? resource.Properties : NO_PROPERTIES,
      pointer: pointer('Resources', logicalId),
    });
  }
  return out;
}

/**
 * The operation that gives a resource a property: an `add` into its Properties, or of a Properties map
 * holding just that property when the resource has none (an `add` needs its parent to exist; a queue,
 * a log group or a role may be declared with no Properties at all).
 */
export function addProperty(ref: Pick<ResourceRef, 'logicalId' | 'resource'>, name: string, value: Json): Operation {
  return isPlainObject(ref.resource.Properties)
    ? { op: 'add', path: pointer('Resources', ref.logicalId, 'Properties', name), value }
    : { op: 'add', path: pointer('Resources', ref.logicalId, 'Properties'), value: { [name]: value } };
}

export function resourcesOfType(template: Template, ...types: string[]): ResourceRef[] {
  return resources(template).filter((r) => types.includes(r.type));
}

export function getResource(template: Template, logicalId: string): ResourceRef | undefined {
  return resources(template).find((r) => r.logicalId === logicalId);
}

/** The logical id a `Ref`/`Fn::GetAtt` (or `!Sub '${X}'`/`${X.Arn}` alone) points at, if the value is one. */
export function referencedId(value: Json | undefined): string | undefined {
  if (!isPlainObject(value)) return undefined;
  if (typeof value.Ref === 'string') return value.Ref;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') {
    const m = /^\$\{([A-Za-z0-9]+)(\.[A-Za-z0-9.]+)?\}$/.exec(sub);
    if (m) return m[1];
  }
  return undefined;
}

/** Is this value an intrinsic function or a reference (anything CloudFormation resolves at deploy time)? */
export function isIntrinsic(value: Json | undefined): boolean {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0]!.startsWith('Fn::'));
}

/** Every logical id a value references, through every intrinsic form (`Ref`, `GetAtt`, `Sub` strings, `DependsOn` aside). */
export function referencesIn(value: Json | undefined, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencesIn(item, out);
  } else if (isPlainObject(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') {
        if (!inner.startsWith('AWS::')) out.add(inner);
      } else if (key === 'Fn::GetAtt') {
        if (Array.isArray(inner) && typeof inner[0] === 'string') out.add(inner[0]);
        else if (typeof inner === 'string') out.add(inner.split('.')[0]!);
        else referencesIn(inner, out);
      } else if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(inner) ? [inner[0], inner[1]] : [inner, undefined];
        const local = isPlainObject(vars) ? new Set(Object.keys(vars)) : new Set<string>();
        if (typeof text === 'string') {
          for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
            const name = m[1]!.split('.')[0]!.trim();
            if (!name.startsWith('AWS::') && !local.has(name)) out.add(name);
          }
        } else referencesIn(text, out);
        if (vars) referencesIn(vars, out);
      } else {
        referencesIn(inner, out);
      }
    }
  }
  return out;
}

/** SAM's `Globals.<section>` (e.g. `Function`, `Api`), or an empty object. */
export function samGlobals(template: Template, section: string): JsonObject {
  const globals = template.Globals;
  if (!isPlainObject(globals)) return {};
  const value = globals[section];
  return isPlainObject(value) ? value : {};
}

/** A logical id not yet used in Resources, Parameters, Conditions, Mappings or Outputs: `base`, `base2`, … */
export function uniqueLogicalId(template: Template, base: string, taken: Set<string> = new Set()): string {
  const clean = base.replace(/[^A-Za-z0-9]/g, '').slice(0, 255) || 'Resource';
  const used = (id: string) =>
    taken.has(id) ||
    ['Resources', 'Parameters', 'Conditions', 'Mappings', 'Outputs'].some((s) => isPlainObject(template[s]) && id in (template[s] as JsonObject));
  if (!used(clean)) return clean;
  for (let i = 2; ; i++) if (!used(`${clean}${i}`)) return `${clean}${i}`;
}

export { isPlainObject, pointer };
