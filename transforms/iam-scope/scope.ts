/**
 * The scoping itself, as pure computation: given what a role needs and what its broad statements and
 * managed policies grant, the statements that replace them. A broad item keeps only the needs it
 * granted, minus what other (kept) statements already grant; nothing is ever added that the role
 * did not have before.
 */
import type { Json } from '../../src/document/cfn/index.js';
import { deepEqual, isPlainObject } from '../../src/document/cfn/index.js';
import { referencedId } from '../_shared/cfn.js';
import { cfnResourceInfo, expandPattern, samGlobalTemplates, samPolicyTemplates } from './data.js';
import { intrinsic, type TargetRef } from './resources.js';
import { managedPolicyGrantsAction, readStatement, statementGrants, type ReadStatement } from './policy.js';

/** One needed action, with every resource and reason gathered for it. */
export interface Need {
  action: string;
  resources: Json[];
  targets: TargetRef[];
  why: string[];
  notes: string[];
}

export interface Emitted {
  action: string;
  resources: Json[];
  need: Need;
}

/** Merge needs of the same action; `*` among the resources absorbs the rest. */
export function mergeNeeds(list: Array<{ action: string; resources: Json[]; targets: TargetRef[]; why: string; note?: string }>): Need[] {
  const byAction = new Map<string, Need>();
  for (const item of list) {
    const need = byAction.get(item.action) ?? { action: item.action, resources: [], targets: [], why: [], notes: [] };
    byAction.set(item.action, need);
    for (const r of item.resources) if (!need.resources.some((x) => deepEqual(x, r))) need.resources.push(r);
    need.targets.push(...item.targets);
    if (!need.why.includes(item.why)) need.why.push(item.why);
    if (item.note && !need.notes.includes(item.note)) need.notes.push(item.note);
  }
  for (const need of byAction.values()) if (need.resources.includes('*')) need.resources = ['*'];
  return [...byAction.values()].sort((a, b) => a.action.localeCompare(b.action));
}

/** Grants already in place that the fix leaves alone. */
export class Kept {
  private readonly statements: ReadStatement[] = [];

  addStatement(statement: Json): void {
    const read = readStatement(statement);
    if (read) this.statements.push(read);
  }

  /** A managed policy (or SAM-added one) that grants these actions on every resource. */
  addEverywhere(actions: string[]): void {
    if (actions.length > 0) this.statements.push({ actions, notActions: undefined, resources: ['*'], anyResource: true });
  }

  addOn(actions: string[], resources: Json[]): void {
    this.statements.push({ actions, notActions: undefined, resources, anyResource: resources.includes('*') });
  }

  /** A SAM policy template: its actions on the resource its parameter names. */
  addSamTemplate(name: string, params: Json, template: Record<string, Json>): void {
    const global = samGlobalTemplates[name];
    if (global) return this.addEverywhere(global);
    const def = samPolicyTemplates[name];
    const value = isPlainObject(params) ? params[def?.parameter ?? ''] : undefined;
    const id = value === undefined ? undefined : referencedId(value);
    const resource = id ? template[id] : undefined;
    const info = isPlainObject(resource) && typeof resource.Type === 'string' ? cfnResourceInfo(resource.Type) : undefined;
    if (!def || !id || !info?.arn) return;
    const resources = [intrinsic(info.arn, id), ...(def.children ?? []).map((c) => info.children?.[c]).filter((t): t is string => !!t).map((t) => intrinsic(t, id))];
    this.addOn(def.actions.flatMap(expandPattern), resources);
  }

  covers(action: string, resource: Json): boolean {
    return this.statements.some((k) => statementGrants(k, action) && (k.anyResource || k.resources.some((r) => deepEqual(r, resource))));
  }
}

/**
 * What one broad statement keeps: the needs it granted that nothing kept covers, each on its needed
 * resources (or on the statement's own resources when those were not `*`).
 */
export function scopeStatement(statement: Json, needs: Need[], kept: Kept): Emitted[] {
  const read = readStatement(statement)!;
  const out: Emitted[] = [];
  for (const need of needs) {
    if (!statementGrants(read, need.action)) continue;
    const resources = read.anyResource ? need.resources : read.resources;
    const missing = resources.filter((r) => !kept.covers(need.action, r));
    if (missing.length > 0) out.push({ action: need.action, resources: missing, need });
  }
  for (const e of out) kept.addOn([e.action], e.resources);
  return out;
}

/** What a removed managed policy granted that is still needed; undefined when its grants are not known. */
export function scopeManaged(name: string, needs: Need[], kept: Kept): Emitted[] | undefined {
  const out: Emitted[] = [];
  for (const need of needs) {
    const grants = managedPolicyGrantsAction(name, need.action);
    if (grants === undefined) return undefined;
    if (!grants) continue;
    const missing = need.resources.filter((r) => !kept.covers(need.action, r));
    if (missing.length > 0) out.push({ action: need.action, resources: missing, need });
  }
  for (const e of out) kept.addOn([e.action], e.resources);
  return out;
}

/** Statements for emitted permissions: one per distinct resource list, actions sorted. */
export function toStatements(emitted: Emitted[], base?: Json): Json[] {
  const groups = new Map<string, { actions: string[]; resources: Json[] }>();
  for (const e of emitted) {
    const key = JSON.stringify(e.resources);
    const group = groups.get(key) ?? { actions: [], resources: e.resources };
    groups.set(key, group);
    if (!group.actions.includes(e.action)) group.actions.push(e.action);
  }
  const condition = isPlainObject(base) ? base.Condition : undefined;
  const sid = isPlainObject(base) ? base.Sid : undefined;
  return [...groups.values()].map((g, i) => {
    const st: Record<string, Json> = {};
    if (sid !== undefined && i === 0) st.Sid = sid;
    st.Effect = 'Allow';
    st.Action = g.actions.sort();
    st.Resource = g.resources.length === 1 ? g.resources[0]! : g.resources;
    if (condition !== undefined) st.Condition = condition;
    return st;
  });
}

/**
 * The smallest rewrite of a broad statement: when one statement is left with the same actions, only
 * its `Resource` changes; with the same resources, only its `Action`.
 */
export function rewriteStatement(original: Json, replacement: Json[]): Json[] {
  if (replacement.length !== 1 || !isPlainObject(original)) return replacement;
  const next = replacement[0] as Record<string, Json>;
  const sameActions = sameSet(original.Action, next.Action);
  const sameResources = sameSet(original.Resource, next.Resource);
  if (sameActions && sameResources) return [original];
  if (sameActions && original.NotAction === undefined) return [{ ...original, Resource: next.Resource! }];
  if (sameResources && original.NotAction === undefined) return [{ ...original, Action: next.Action! }];
  return replacement;
}

function sameSet(a: Json | undefined, b: Json | undefined): boolean {
  const list = (v: Json | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((x) => JSON.stringify(x)).sort();
  return deepEqual(list(a), list(b));
}

/**
 * SAM: a statement that is exactly a policy template's grant on one resource of the template
 * becomes that template (`SQSSendMessagePolicy: {QueueName: !GetAtt Queue.QueueName}`).
 */
export function asSamTemplate(statement: Json, emitted: Emitted[], template: Record<string, Json>): Json | undefined {
  if (!isPlainObject(statement)) return undefined;
  const actions = (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).filter((a): a is string => typeof a === 'string');
  const mine = emitted.filter((e) => actions.includes(e.action) && deepEqual(e.resources.length === 1 ? e.resources[0] : e.resources, statement.Resource));
  const sameActions = (list: string[]) => deepEqual([...new Set(list.flatMap(expandPattern))].sort(), [...actions].sort());
  if (statement.Resource === '*') {
    const global = Object.entries(samGlobalTemplates).find(([, list]) => sameActions(list));
    return global ? { [global[0]]: {} } : undefined;
  }
  const targets = mine.flatMap((e) => e.need.targets);
  const ids = [...new Set(targets.map((t) => t.logicalId))];
  if (ids.length !== 1 || statement.Condition !== undefined) return undefined;
  const id = ids[0]!;
  const resource = template[id];
  const type = isPlainObject(resource) && typeof resource.Type === 'string' ? resource.Type : '';
  const parts = new Set(targets.flatMap((t) => t.parts));
  for (const [name, def] of Object.entries(samPolicyTemplates)) {
    const value = def.value[type];
    if (!value || !sameActions(def.actions)) continue;
    if (![...parts].every((p) => p === '' || def.children?.includes(p))) continue;
    return { [name]: { [def.parameter]: intrinsic(value, id) } };
  }
  return undefined;
}
