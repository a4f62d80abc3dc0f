/**
 * CloudFormation and SAM: finds the broad statements and managed policies of Lambda execution roles
 * and replaces them with what the functions' code calls. One finding per place that changes: a role
 * (its inline policies and managed policy ARNs), a SAM function (its `Policies`), or a separate
 * AWS::IAM::Policy / ManagedPolicy / RolePolicy.
 */
import type { Operation } from 'fast-json-patch';
import type { Json } from '../../src/document/cfn/index.js';
import { deepEqual, isPlainObject } from '../../src/document/cfn/index.js';
import type { CfnContext, CfnFindingInput, CfnHalf } from '../../src/transform.js';
import { pointer, referencesIn, resources, type JsonObject } from '../_shared/cfn.js';
import { DependencyGraph } from './graph.js';
import type { IamScopeOptions } from './meta.js';
import { needsOfRole, type ObservedStatements, type RoleNeeds } from './needs.js';
import { describeEmitted, describeNotes, summarizeBroad } from './report.js';
import { breadthOf, isBroadManagedPolicy, knownManagedGrants } from './policy.js';
import { asSamTemplate, Kept, mergeNeeds, rewriteStatement, scopeManaged, scopeStatement, toStatements, type Emitted, type Need } from './scope.js';
import { readTemplate, statementsOf, type ExecutionRole, type ManagedPolicyRef, type PolicyHolder, type StatementRef, type TemplateModel } from './template.js';
import { runtime } from './data.js';

interface Unit {
  /** The resource the changes are made in (role, SAM function, or separate policy). */
  holderId: string;
  roles: ExecutionRole[];
  broadStatements: StatementRef[];
  broadManaged: ManagedPolicyRef[];
}

interface Run {
  model: TemplateModel;
  graph: DependencyGraph;
  ctx: CfnContext<IamScopeOptions>;
  observed: ObservedStatements;
  needsCache: Map<string, RoleNeeds>;
}

export const cfn: CfnHalf<IamScopeOptions> = {
  detect(template, ctx) {
    const model = readTemplate(template);
    const run: Run = { model, graph: new DependencyGraph(template), ctx, observed: observedPolicy(ctx), needsCache: new Map() };
    const excluded = new Set(ctx.options.exclude);
    const findings: CfnFindingInput[] = [];
    for (const unit of units(model)) {
      if (excluded.has(unit.holderId) || unit.roles.some((r) => excluded.has(r.logicalId) || r.functions.some((f) => excluded.has(f.logicalId)))) continue;
      findings.push(...scopeUnit(unit, run));
    }
    return findings;
  },
};

/** Every place to change: a role's own policies, a SAM function's Policies, each separate policy resource. */
function units(model: TemplateModel): Unit[] {
  const out: Unit[] = [];
  for (const role of model.roles) {
    const own = model.holders.filter((h) => h.logicalId === role.logicalId && (h.kind === 'role-inline' || h.kind === 'sam-inline'));
    out.push({
      holderId: role.logicalId,
      roles: [role],
      broadStatements: own.flatMap(broadIn),
      broadManaged: model.managed.filter((m) => m.role === role.logicalId && isBroadManagedPolicy(m.name)),
    });
  }
  for (const holder of model.holders.filter((h) => h.kind === 'policy' || h.kind === 'managed-policy' || h.kind === 'role-policy')) {
    const roles = holder.roles.map((id) => model.roles.find((r) => r.logicalId === id)).filter((r): r is ExecutionRole => !!r);
    out.push({ holderId: holder.logicalId, roles, broadStatements: broadIn(holder), broadManaged: [] });
  }
  return out.filter((u) => u.broadStatements.length > 0 || u.broadManaged.length > 0);
}

function broadIn(holder: PolicyHolder): StatementRef[] {
  return statementsOf(holder).filter((s) => breadthOf(s.statement).broad);
}

function scopeUnit(unit: Unit, run: Run): CfnFindingInput[] {
  const { model } = run;
  const where = pointer('Resources', unit.holderId);
  const broad = summarizeBroad(unit.broadStatements, unit.broadManaged);
  const manual = (reason: string): CfnFindingInput[] => [{ pointer: where, logicalId: unit.holderId, messageId: 'broad-not-scoped', message: `${unit.holderId} grants ${broad}`, manual: reason }];

  const unreadable = unit.broadStatements.map((s) => breadthOf(s.statement)).find((b) => b.broad && 'unreadable' in b);
  if (unreadable && 'unreadable' in unreadable) return manual(`stackfix does not rewrite this statement: ${unreadable.unreadable}`);
  const holder = model.holders.find((h) => h.logicalId === unit.holderId);
  const strangers = holder ? holder.roles.filter((id) => !unit.roles.some((r) => r.logicalId === id)) : [];
  if (strangers.length > 0) return manual(`it is also attached to ${strangers.join(', ')}, which is not the execution role of a function in this template`);

  const reasons: string[] = [];
  const raw = unit.roles.flatMap((role) => {
    const needs = roleNeeds(role, run);
    if (!needs.ok) reasons.push(...needs.reasons.map((r) => (unit.roles.length > 1 ? `${role.logicalId}: ${r}` : r)));
    return needs.ok ? needs.needs : [];
  });
  if (reasons.length > 0) return manual(`what it needs cannot be read: ${reasons.join('; ')}`);

  const resolveCtx = { template: model.template, graph: run.graph, holderId: unit.holderId, accountWildcards: run.ctx.options.accountWildcards };
  const needs = mergeNeeds(raw.map((n) => ({ action: n.action, why: n.why, ...n.resolve(resolveCtx) })));
  const kept = keptGrants(unit, model);
  const change = unit.roles[0]?.sam && unit.holderId === unit.roles[0].logicalId ? samChange(unit, needs, kept, run) : policyChange(unit, needs, kept, run);
  if ('unknownManaged' in change) return manual(`stackfix does not know what the managed policy ${change.unknownManaged} grants`);

  const notNarrower = describeNotes(needs.filter((n) => n.notes.length > 0 && change.emitted.some((e) => e.need === n)));
  if (change.ops.length === 0) {
    return notNarrower
      ? [{ pointer: where, logicalId: unit.holderId, messageId: 'resource-not-narrowed', message: `${unit.holderId} keeps what its code needs, on resources stackfix cannot narrow`, manual: `not narrower: ${notNarrower}` }]
      : [];
  }
  const count = unit.roles.flatMap((r) => r.functions).length;
  const message =
    `${unit.holderId}: replaced ${broad} with what ${functionsOf(unit)} call${count === 1 ? 's' : ''}: ` +
    (describeEmitted(change.emitted) || 'nothing more than the role already has') +
    (notNarrower ? `. Not narrower: ${notNarrower}` : '');
  return [{ pointer: where, logicalId: unit.holderId, messageId: 'scoped', message, fix: change.ops }];
}

function roleNeeds(role: ExecutionRole, run: Run): RoleNeeds {
  let needs = run.needsCache.get(role.logicalId);
  if (!needs) {
    needs = needsOfRole(role, run.model, (path) => run.ctx.files.read(path), run.observed);
    run.needsCache.set(role.logicalId, needs);
  }
  return needs;
}

function functionsOf(unit: Unit): string {
  return unit.roles.flatMap((r) => r.functions.map((f) => f.logicalId)).join(', ');
}

/** What stays granted beside the broad items: every other statement reaching the roles, and known managed policies. */
function keptGrants(unit: Unit, model: TemplateModel): Kept {
  const kept = new Kept();
  const broad = new Set(unit.broadStatements.map((s) => s.pointer));
  const roleIds = new Set(unit.roles.map((r) => r.logicalId));
  for (const holder of model.holders.filter((h) => h.roles.some((id) => roleIds.has(id)))) {
    for (const s of statementsOf(holder)) {
      // Other units' broad statements are being scoped too: they grant nothing to rely on.
      if (!broad.has(s.pointer) && !breadthOf(s.statement).broad) kept.addStatement(s.statement);
    }
  }
  for (const m of model.managed.filter((m) => roleIds.has(m.role) && !isBroadManagedPolicy(m.name))) kept.addEverywhere(knownManagedGrants(m.name));
  const resourcesMap = (model.template.Resources ?? {}) as Record<string, Json>;
  for (const role of unit.roles.filter((r) => r.sam)) {
    const fn = role.functions[0]!;
    // The role SAM generates always has basic execution, and X-Ray, VPC, event source and dead-letter policies when configured.
    kept.addEverywhere(knownManagedGrants('AWSLambdaBasicExecutionRole'));
    if (fn.props.Tracing === 'Active') kept.addEverywhere(runtime.xray);
    if (fn.props.VpcConfig !== undefined) kept.addEverywhere(runtime.vpc);
    for (const t of model.samTemplates.filter((t) => t.ownerId === fn.logicalId)) kept.addSamTemplate(t.name, t.params, resourcesMap);
  }
  return kept;
}

type Change = { ops: Operation[]; emitted: Emitted[] } | { unknownManaged: string };

/** A role's inline policies and managed policy ARNs, or a separate policy's document. */
function policyChange(unit: Unit, needs: Need[], kept: Kept, run: Run): Change {
  const emitted: Emitted[] = [];
  const scoped = new Map<string, Json[]>();
  for (const s of unit.broadStatements) {
    const e = scopeStatement(s.statement, needs, kept);
    emitted.push(...e);
    scoped.set(s.pointer, rewriteStatement(s.statement, toStatements(e, s.statement)));
  }
  const fromManaged: Emitted[] = [];
  for (const m of unit.broadManaged) {
    const e = scopeManaged(m.name, needs, kept);
    if (!e) return { unknownManaged: m.name };
    fromManaged.push(...e);
  }
  emitted.push(...fromManaged);
  const template = run.model.template;
  const resource = (template.Resources as Record<string, JsonObject>)[unit.holderId]!;
  const props = (resource.Properties ?? {}) as JsonObject;
  const base = pointer('Resources', unit.holderId, 'Properties');
  const ops: Operation[] = [];
  if (resource.Type === 'AWS::IAM::Role') {
    const policies = Array.isArray(props.Policies) ? props.Policies : [];
    const next = policies
      .map((p, i) => withScopedDocument(p, pointer('Resources', unit.holderId, 'Properties', 'Policies', i, 'PolicyDocument'), scoped))
      .filter((p): p is Json => p !== undefined);
    if (fromManaged.length > 0) next.push({ PolicyName: uniquePolicyName(run.ctx.options.policyName, policies), PolicyDocument: { Version: '2012-10-17', Statement: toStatements(fromManaged) } });
    setProperty(ops, base, 'Policies', props.Policies, next);
    const removed = new Set(unit.broadManaged.map((m) => m.index));
    if (Array.isArray(props.ManagedPolicyArns)) setProperty(ops, base, 'ManagedPolicyArns', props.ManagedPolicyArns, props.ManagedPolicyArns.filter((_, i) => !removed.has(i)));
  } else {
    const doc = props.PolicyDocument as JsonObject;
    const next = withScopedDocument({ PolicyDocument: doc }, pointer('Resources', unit.holderId, 'Properties', 'PolicyDocument'), scoped);
    if (next === undefined) return removeSeparatePolicy(unit, emitted, run);
    setProperty(ops, base, 'PolicyDocument', doc, (next as JsonObject).PolicyDocument!);
  }
  return { ops, emitted };
}

/** An inline policy entry with its broad statements replaced; undefined when no statement is left. */
function withScopedDocument(entry: Json, docPointer: string, scoped: Map<string, Json[]>): Json | undefined {
  if (!isPlainObject(entry) || !isPlainObject(entry.PolicyDocument)) return entry;
  const doc = entry.PolicyDocument;
  const statements = doc.Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  const next = list.flatMap((s, i) => scoped.get(`${docPointer}/Statement${Array.isArray(statements) ? `/${i}` : ''}`) ?? [s!]);
  if (next.length === 0) return undefined;
  const statement = !Array.isArray(statements) && next.length === 1 ? next[0]! : next;
  return deepEqual(statement, statements) ? entry : { ...entry, PolicyDocument: { ...doc, Statement: statement } };
}

/** A separate policy left with no statement is removed, unless something refers to it. */
function removeSeparatePolicy(unit: Unit, emitted: Emitted[], run: Run): Change {
  const referenced = resources(run.model.template).some((r) => {
    if (r.logicalId === unit.holderId) return false;
    const dependsOn = r.resource.DependsOn;
    const deps = Array.isArray(dependsOn) ? dependsOn : [dependsOn];
    return deps.includes(unit.holderId) || referencesIn(r.resource.Properties).has(unit.holderId);
  }) || referencesIn(run.model.template.Outputs as Json).has(unit.holderId);
  if (referenced) return { ops: [], emitted };
  return { ops: [{ op: 'remove', path: pointer('Resources', unit.holderId) }], emitted };
}

/** A SAM function's `Policies`: broad documents rewritten, broad managed names replaced, templates where they fit. */
function samChange(unit: Unit, needs: Need[], kept: Kept, run: Run): Change {
  const fnId = unit.holderId;
  const resourcesMap = (run.model.template.Resources ?? {}) as Record<string, Json>;
  const own = ((resourcesMap[fnId] as JsonObject).Properties as JsonObject).Policies;
  const items = Array.isArray(own) ? own : [own!];
  const base = pointer('Resources', fnId, 'Properties', 'Policies');
  const emitted: Emitted[] = [];
  const next: Json[] = [];
  // New statements that are exactly a policy template's grant become that template, after their document.
  const templated = (statements: Json[], e: Emitted[], templates: Json[]): Json[] =>
    statements.filter((st) => {
      const t = run.ctx.options.samPolicyTemplates ? asSamTemplate(st, e, resourcesMap) : undefined;
      if (t) templates.push(t);
      return !t;
    });
  for (const [i, item] of items.entries()) {
    const index = Array.isArray(own) ? i : undefined;
    const templates: Json[] = [];
    const managed = unit.broadManaged.find((m) => m.index === index);
    const broadHere = unit.broadStatements.filter((s) => s.holder.documentPointer === (index === undefined ? base : `${base}/${index}`));
    if (managed) {
      const e = scopeManaged(managed.name, needs, kept);
      if (!e) return { unknownManaged: managed.name };
      emitted.push(...e);
      const rest = templated(toStatements(e), e, templates);
      if (rest.length > 0) next.push({ Statement: rest });
    } else if (broadHere.length > 0 && isPlainObject(item)) {
      const isList = Array.isArray(item.Statement);
      const statements = isList ? (item.Statement as Json[]) : [item.Statement!];
      const rewritten = statements.flatMap((st, j) => {
        if (!broadHere.some((s) => s.index === (isList ? j : undefined))) return [st];
        const mine = scopeStatement(st, needs, kept);
        emitted.push(...mine);
        const replacement = rewriteStatement(st, toStatements(mine, st));
        return replacement.includes(st) ? replacement : templated(replacement, mine, templates);
      });
      if (rewritten.length > 0) next.push({ ...item, Statement: !isList && rewritten.length === 1 ? rewritten[0]! : rewritten });
    } else {
      next.push(item);
    }
    next.push(...templates);
  }
  const ops: Operation[] = [];
  setProperty(ops, pointer('Resources', fnId, 'Properties'), 'Policies', own, Array.isArray(own) || next.length !== 1 ? next : next[0]!);
  return { ops, emitted };
}

/** Replace, add or remove one property, guarded by a test of its current value. */
function setProperty(ops: Operation[], base: string, key: string, current: Json | undefined, next: Json): void {
  const path = `${base}/${key}`;
  const empty = Array.isArray(next) && next.length === 0;
  if (current !== undefined && deepEqual(current, next)) return;
  if (current === undefined) {
    if (!empty) ops.push({ op: 'add', path, value: next });
    return;
  }
  ops.push({ op: 'test', path, value: current });
  ops.push(empty ? { op: 'remove', path } : { op: 'replace', path, value: next });
}

function uniquePolicyName(name: string, policies: Json[]): string {
  const taken = new Set(policies.map((p) => (isPlainObject(p) ? p.PolicyName : undefined)));
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) if (!taken.has(`${name}${i}`)) return `${name}${i}`;
}

/** `--observed-policy`: one policy document for every role, or documents keyed by role or function id. */
function observedPolicy(ctx: CfnContext<IamScopeOptions>): ObservedStatements {
  const file = ctx.options.observedPolicy;
  if (!file) return () => undefined;
  const text = ctx.files.read(file);
  let doc: Json;
  try {
    doc = text === undefined ? null : (JSON.parse(text) as Json);
  } catch {
    doc = null;
  }
  if (!isPlainObject(doc)) throw new Error(`the observed policy ${file} is not a JSON policy document`);
  const statementsOf = (d: Json) => (isPlainObject(d) ? (Array.isArray(d.Statement) ? d.Statement : d.Statement ? [d.Statement] : []) : []);
  return (roleId, functionIds) => {
    if (doc && isPlainObject(doc) && doc.Statement !== undefined) return { statements: statementsOf(doc), source: `observed in ${file}` };
    const key = [roleId, ...functionIds].find((k) => isPlainObject(doc) && doc[k] !== undefined);
    return key && isPlainObject(doc) ? { statements: statementsOf(doc[key]!), source: `observed in ${file} (${key})` } : undefined;
  };
}
