/**
 * `grant*` calls of L2 constructs to a Lambda function (`table.grantFullAccess(fn)`,
 * `bucket.grantReadWrite(fn)`, `queue.grant(fn, 'sqs:*')`): swapped for the narrowest grant methods
 * of the same construct that cover what the function's code calls on it. Only the method changes;
 * the receiver and the arguments stay as written.
 */
import { Node, SyntaxKind, type CallExpression, type Expression } from 'ts-morph';
import type { CdkSource } from '../../../src/document/cdk/index.js';
import type { CdkFindingInput } from '../../../src/transform.js';
import type { SdkCall } from '../code/types.js';
import { actionMatches, expandPattern, grantConstructs, runtime, type GrantConstruct, type GrantMethod } from '../data.js';
import type { IamScopeOptions } from '../meta.js';
import { environmentValue, functionsOfPrincipal, isExcluded, unreadableCode, type CdkFunction } from './functions.js';
import { relocatable, replaceStatement } from './edit.js';
import { CONSTRUCT_ARNS, eventSourceArns } from './needs.js';

export interface GrantCall {
  call: CallExpression;
  construct: GrantConstruct;
  /** The receiver, without spaces and `!`: `table`, `this.bucket`. */
  receiver: string;
  /** Written as `table.grants.readData(fn)` rather than `table.grantReadData(fn)`. */
  viaGrants: boolean;
  /** Undefined for the generic `grant(fn, ...actions)`. */
  method: GrantMethod | undefined;
  /** The action patterns it allows on the construct's resource. */
  actions: string[];
  users: CdkFunction[];
}

/** What the functions' code calls on one construct: each action with the code lines behind it. */
type Needed = Map<string, string[]>;

export function grantFindings(source: CdkSource, functions: CdkFunction[], options: IamScopeOptions): CdkFindingInput[] {
  if (options.cdkGrants === 'off') return [];
  const receivers = resourceVariables(source);
  const groups = new Map<string, GrantCall[]>();
  for (const grant of grantCalls(source, functions, receivers)) {
    if (grant.users.some((u) => isExcluded(u, options))) continue;
    // Grants of one construct to one role add up: each is judged with the others in place.
    const key = [grant.users.map((u) => u.call.constructPath).join(','), grant.receiver, extraArguments(grant).join(',')].join('|');
    groups.set(key, [...(groups.get(key) ?? []), grant]);
  }
  const onlyBroad = options.cdkGrants === 'broad';
  return [...groups.values()].flatMap((group) => narrowGroup(source, receivers, group, onlyBroad));
}

/** Grant calls to the role of functions of this file. */
export function grantsToFunctions(source: CdkSource, functions: CdkFunction[]): GrantCall[] {
  return grantCalls(source, functions, resourceVariables(source));
}

/** Every grant call of a known construct (created or imported in this file) to the role of functions of this file. */
function grantCalls(source: CdkSource, functions: CdkFunction[], receivers: Map<string, GrantConstruct>): GrantCall[] {
  const out: GrantCall[] = [];
  for (const call of source.file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) continue;
    const owner = callee.getExpression();
    const viaGrants = Node.isPropertyAccessExpression(owner) && owner.getName() === 'grants';
    const receiverExpr = viaGrants ? owner.getExpression() : owner;
    const construct = receivers.get(normalized(receiverExpr));
    if (!construct) continue;
    const name = callee.getName();
    const method = construct.methods.find((m) => (viaGrants ? m.grants : m.name) === name);
    const generic = !viaGrants && construct.generic === name;
    const [grantee, ...rest] = call.getArguments() as Expression[];
    if ((!method && !generic) || !grantee) continue;
    const users = functionsOfPrincipal(source, functions, grantee);
    if (users.length === 0) continue;
    const receiver = normalized(receiverExpr);
    if (method) {
      // More arguments than the method takes (`grantWrite(fn, keys, actions)`): its grant is not the listed one.
      if (1 + rest.length > method.args) continue;
      out.push({ call, construct, receiver, viaGrants, method, actions: method.actions, users });
    } else {
      if (!rest.every((a) => Node.isStringLiteral(a))) continue;
      const actions = rest.map((a) => (a as Node & { getLiteralText(): string }).getLiteralText());
      out.push({ call, construct, receiver, viaGrants, method: undefined, actions, users });
    }
  }
  return out;
}

/** `table` → the DynamoDB grant data, for variables holding a construct of this file or an imported one. */
function resourceVariables(source: CdkSource): Map<string, GrantConstruct> {
  const out = new Map<string, GrantConstruct>();
  for (const construct of grantConstructs) {
    for (const call of source.findConstructs(construct.module, construct.classes)) if (call.variableName) out.set(call.variableName, construct);
    for (const cls of construct.classes) {
      for (const method of construct.imports) {
        for (const call of source.findStaticCalls(construct.module, cls, method)) {
          const name = assignedName(call);
          if (name) out.set(name, construct);
        }
      }
    }
  }
  return out;
}

function assignedName(call: CallExpression): string | undefined {
  const parent = call.getParent();
  if (Node.isVariableDeclaration(parent)) return parent.getName();
  if (Node.isBinaryExpression(parent) && parent.getRight() === call) return normalized(parent.getLeft());
  return undefined;
}

function normalized(expr: Node): string {
  return expr.getText().replace(/[\s!]/g, '');
}

function extraArguments(grant: GrantCall): string[] {
  return grant.method ? grant.call.getArguments().slice(1).map((a) => a.getText()) : [];
}

// ---- choosing ---------------------------------------------------------------------------------------

/**
 * The grant methods that together allow `needed` with the fewest actions (then the fewest calls), or
 * undefined when no set of them does. `[]` when nothing is needed.
 */
export function narrowestGrants(methods: GrantMethod[], needed: string[]): GrantMethod[] | undefined {
  // Each method once: which needed actions it allows, and the actions of the reference it allows.
  // The subsets below only combine these.
  const allows = methods.map((m) => needed.map((a) => m.actions.some((p) => actionMatches(p, a))));
  const expanded = methods.map((m) => m.actions.flatMap(expandPattern));
  let best: { methods: GrantMethod[]; size: number } | undefined;
  for (let mask = 0; mask < 1 << methods.length; mask++) {
    const chosen = methods.flatMap((_, i) => (mask & (1 << i) ? [i] : []));
    if (!needed.every((_, a) => chosen.some((i) => allows[i]![a]))) continue;
    const size = new Set(chosen.flatMap((i) => expanded[i]!)).size;
    if (!best || size < best.size || (size === best.size && chosen.length < best.methods.length)) best = { methods: chosen.map((i) => methods[i]!), size };
  }
  return best?.methods;
}

/** How many actions of the Service Authorization Reference the patterns allow. */
function actionCount(patterns: string[]): number {
  return new Set(patterns.flatMap(expandPattern)).size;
}

function narrowGroup(source: CdkSource, receivers: Map<string, GrantConstruct>, group: GrantCall[], onlyBroad: boolean): CdkFindingInput[] {
  const needed = neededOn(source, receivers, group[0]!);
  const planned = new Map(group.map((g) => [g, g.actions]));
  return group
    .filter((grant) => !onlyBroad || isBroad(grant.actions))
    .map((grant) => ('reasons' in needed ? unknownNeeds(grant, needed.reasons) : narrowOne(source, grant, needed, group, planned)))
    .filter((f): f is CdkFindingInput => !!f);
}

/**
 * One grant, with the others of its group as planned so far: what they allow is not needed from it.
 * Grants later in the group see this one's plan, so together they still allow everything needed.
 */
function narrowOne(source: CdkSource, grant: GrantCall, needed: Needed, group: GrantCall[], planned: Map<GrantCall, string[]>): CdkFindingInput | undefined {
  const others = group.filter((g) => g !== grant).flatMap((g) => planned.get(g)!);
  const residual = [...needed.keys()].filter((a) => !others.some((p) => actionMatches(p, a)));
  const arity = 1 + extraArguments(grant).length;
  const candidates = grant.construct.methods.filter((m) => m.args >= arity && (!grant.viaGrants || m.grants));
  const chosen = narrowestGrants(candidates, residual);
  const base = { node: grant.call, constructPath: grantPath(grant) };
  const what = `${grant.call.getText()} allows ${describePatterns(grant.actions)}`;
  if (!chosen || actionCount(chosen.flatMap((m) => m.actions)) >= actionCount(grant.actions)) {
    if (!isBroad(grant.actions)) return undefined;
    const narrower = candidates.filter((m) => !isBroad(m.actions));
    const uncovered = residual.filter((a) => !narrower.some((m) => m.actions.some((p) => actionMatches(p, a))));
    return { ...base, messageId: 'broad-not-scoped', message: what, manual: `no narrower grant method of ${grant.construct.classes[0]} allows ${describeNeeded(needed, uncovered)}` };
  }
  const statement = grant.call.getParent();
  if (chosen.length !== 1 && !Node.isExpressionStatement(statement)) {
    if (!isBroad(grant.actions)) return undefined;
    const takes = chosen.length === 0 ? 'no grant' : chosen.map((m) => m.name).join(' and ');
    return { ...base, messageId: 'broad-not-scoped', message: what, manual: `its result is used, and what the code calls takes ${takes}` };
  }
  planned.set(grant, chosen.flatMap((m) => m.actions));
  const who = `${grant.users.map((u) => u.call.constructPath).join(', ')} ${grant.users.length === 1 ? 'calls' : 'call'}`;
  const call = relocatable(grant.call);
  if (chosen.length === 0) {
    const message = `${grant.call.getText()}: ${who} nothing on ${grant.receiver}, so the grant is removed`;
    return { ...base, messageId: 'grant-removed', message, fix: () => replaceStatement(source, call().getParentIfKindOrThrow(SyntaxKind.ExpressionStatement), []) };
  }
  const names = chosen.map((m) => (grant.viaGrants ? m.grants! : m.name));
  return {
    ...base,
    messageId: 'grant-narrowed',
    message: `${grant.call.getText()} allows more than ${who} on ${grant.receiver}: ${describeNeeded(needed, residual)}; ${names.join(' and ')} ${chosen.length === 1 ? 'allows' : 'allow'} that`,
    fix: () => replaceGrant(source, grant, call(), names),
  };
}

function unknownNeeds(grant: GrantCall, reasons: string[]): CdkFindingInput | undefined {
  if (!isBroad(grant.actions)) return undefined;
  return {
    node: grant.call,
    constructPath: grantPath(grant),
    messageId: 'broad-not-scoped',
    message: `${grant.call.getText()} allows ${describePatterns(grant.actions)}`,
    manual: `what it needs cannot be read: ${reasons.join('; ')}`,
  };
}

/** `service:*` or `*`: what linters flag, and what is reported when it cannot be narrowed. */
function isBroad(actions: string[]): boolean {
  return actions.some((a) => a === '*' || /^[\w-]+:\*$/.test(a));
}

/** One method: only its name changes. Several: the statement is repeated, one call per method. */
function replaceGrant(source: CdkSource, grant: GrantCall, call: CallExpression, names: string[]): void {
  const callee = call.getExpression().asKindOrThrow(SyntaxKind.PropertyAccessExpression);
  const owner = callee.getExpression().getText();
  // The generic grant's actions go; a named method's arguments (a key pattern) stay.
  const args = (grant.method ? call.getArguments() : call.getArguments().slice(0, 1)).map((a) => a.getText()).join(', ');
  if (names.length > 1) {
    replaceStatement(source, call.getParentIfKindOrThrow(SyntaxKind.ExpressionStatement), names.map((name) => `${owner}.${name}(${args})`));
    return;
  }
  source.applyStyle();
  if (grant.method) callee.getNameNode().replaceWithText(names[0]!);
  else call.replaceWithText(`${owner}.${names[0]}(${args})`);
}

// ---- what the code calls on the construct ----------------------------------------------------------

/**
 * The actions of the construct's service that the grant's functions call on it: calls whose resource
 * is this construct, or may be (a literal name, a value stackfix cannot trace); not calls that name
 * another construct of the stack. Event sources Lambda polls with the role count too.
 */
function neededOn(source: CdkSource, receivers: Map<string, GrantConstruct>, grant: GrantCall): Needed | { reasons: string[] } {
  const reasons = unreadableCode(grant.users);
  const needed: Needed = new Map();
  const add = (action: string, why: string) => needed.set(action, [...new Set([...(needed.get(action) ?? []), why])]);
  const service = grant.construct.service;
  const isOther = (owner: Expression) => normalized(owner) !== grant.receiver && isKnownResource(source, receivers, owner);
  for (const fn of grant.users) {
    if (typeof fn.code === 'string') continue;
    for (const call of fn.code.calls) {
      if (!mayTarget(source, fn, call, isOther)) continue;
      for (const action of call.actions) if (action.startsWith(`${service}:`)) add(action, `${call.evidence.file}:${call.evidence.line}`);
    }
    for (const arn of eventSourceArns(source, fn)) {
      const owner = Node.isPropertyAccessExpression(arn) ? arn.getExpression() : undefined;
      if (owner && isOther(owner)) continue;
      if (!owner || normalized(owner) !== grant.receiver) {
        reasons.push(`${fn.call.constructPath}: an event source mapping polls ${arn.getText()}, which may be this ${grant.construct.classes[0]}`);
        continue;
      }
      for (const action of (runtime.eventSources as Record<string, string[]>)[service] ?? []) add(action, `Lambda: event source ${arn.getText()}`);
    }
  }
  return reasons.length > 0 ? { reasons } : needed;
}

/** Whether a call may act on the grant's construct: it does unless every resource it names is another construct. */
function mayTarget(source: CdkSource, fn: CdkFunction, call: SdkCall, isOther: (owner: Expression) => boolean): boolean {
  if (call.targets.length === 0) return true;
  return call.targets.some((target) => {
    if (!('env' in target)) return true;
    const value = environmentValue(source, fn, target.env);
    return !value || !Node.isPropertyAccessExpression(value) || !isOther(value.getExpression());
  });
}

/** A construct of this file, or an imported one: certainly not the same resource as another such variable. */
function isKnownResource(source: CdkSource, receivers: Map<string, GrantConstruct>, expr: Expression): boolean {
  const name = normalized(expr);
  if (receivers.has(name)) return true;
  return CONSTRUCT_ARNS.some((info) => source.findConstructs(info.module, info.classes).some((c) => c.variableName === name || c.variableName === `this.${name}`));
}

// ---- messages -------------------------------------------------------------------------------------

/**
 * `Stack/Fn (table.grantFullAccess)`: the function and the grant, so that two grants to one function
 * stay two findings when a report merges the findings of several passes.
 */
function grantPath(grant: GrantCall): string {
  const callee = grant.call.getExpression().asKindOrThrow(SyntaxKind.PropertyAccessExpression);
  return `${grant.users.map((u) => u.call.constructPath).join(', ')} (${grant.receiver}.${grant.viaGrants ? 'grants.' : ''}${callee.getName()})`;
}

function describeNeeded(needed: Needed, actions: string[]): string {
  return actions.map((a) => `${a} (${needed.get(a)!.join(', ')})`).join(', ');
}

function describePatterns(patterns: string[]): string {
  return patterns.length > 4 ? `${patterns.slice(0, 4).join(', ')} and ${patterns.length - 4} more` : patterns.join(', ');
}
