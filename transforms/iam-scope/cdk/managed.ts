/**
 * AWS managed policies too broad for a Lambda role (`AdministratorAccess`, `PowerUserAccess`,
 * `*FullAccess`), given as `ManagedPolicy.fromAwsManagedPolicyName(…)` in a Role's `managedPolicies`
 * or to `role.addManagedPolicy(…)`: that one policy is removed, and what the functions' code needs of
 * it is added to their role as scoped PolicyStatements (`fn.addToRolePolicy`, or the role's
 * `addToPolicy` when several functions share it).
 */
import { Node, SyntaxKind, type CallExpression, type ExpressionStatement } from 'ts-morph';
import type { Json } from '../../../src/document/cfn/index.js';
import type { CdkSource, ConstructCall } from '../../../src/document/cdk/index.js';
import type { CdkFindingInput } from '../../../src/transform.js';
import type { IamScopeOptions } from '../meta.js';
import { isBroadManagedPolicy, knownManagedGrants, managedPolicyGrantsAction } from '../policy.js';
import { describeEmitted, describeNotes } from '../report.js';
import { Kept, scopeManaged, toStatements } from '../scope.js';
import { functionsOfPrincipal, isExcluded, propOf, type CdkFunction } from './functions.js';
import { grantsToFunctions } from './grants.js';
import { relocatable, replaceStatement } from './edit.js';
import { CONSTRUCT_ARNS, roleNeeds } from './needs.js';
import { renderResource, statementText } from './render.js';

/** Where a managed policy is given to a role, and the functions that run with that role. */
type Placement =
  | { kind: 'element'; call: CallExpression; callText: string; role: ConstructCall; users: CdkFunction[] }
  | { kind: 'statement'; call: CallExpression; statement: () => ExpressionStatement; receiver: string; users: CdkFunction[] };

export function managedPolicyFindings(source: CdkSource, functions: CdkFunction[], options: IamScopeOptions): CdkFindingInput[] {
  const out: CdkFindingInput[] = [];
  // What earlier findings of a role keep (or add) is not added again by later ones.
  const keptByRole = new Map<string, Kept>();
  for (const call of source.findStaticCalls('aws-iam', 'ManagedPolicy', 'fromAwsManagedPolicyName')) {
    const name = policyName(call);
    if (!name || !isBroadManagedPolicy(name)) continue;
    const placement = placementOf(source, functions, call);
    const users = placement?.users ?? usersAround(functions, call);
    const role = placement?.kind === 'element' ? placement.role : undefined;
    const roleExcluded = !!role && (options.exclude.includes(role.id ?? '') || options.exclude.includes(role.variableName ?? ''));
    if (users.length === 0 || roleExcluded || users.some((u) => isExcluded(u, options))) continue;
    const where = users.map((u) => u.call.constructPath).join(', ');
    // The policy in the path: two policies of one role stay two findings when passes are merged.
    const base = { node: call, constructPath: `${where} (${name})`, messageId: 'broad-not-scoped', message: `the role of ${where} has the managed policy ${name}` };
    if (!placement) {
      out.push({ ...base, manual: 'it is not in a Role\'s managedPolicies or an addManagedPolicy call, where stackfix rewrites it' });
      continue;
    }
    const kept = keptByRole.get(where) ?? keptOf(source, functions, placement);
    keptByRole.set(where, kept);
    out.push(replaceManaged(source, placement, name, kept, options, base));
  }
  return out;
}

function replaceManaged(source: CdkSource, placement: Placement, name: string, kept: Kept, options: IamScopeOptions, base: CdkFindingInput): CdkFindingInput {
  const { users } = placement;
  const role = placement.kind === 'element' ? placement.role : source.findConstructs('aws-iam', 'Role').find((r) => r.expression === users[0]!.role);
  const assumedBy = role ? propOf(role, 'assumedBy')?.getText() ?? '' : '';
  if (/CompositePrincipal/.test(assumedBy)) return { ...base, manual: 'its role is assumed by other principals too, whose needs stackfix cannot see' };
  const known = roleNeeds(source, users, options);
  if (!known.ok) return { ...base, manual: `what it needs cannot be read: ${known.reasons.join('; ')}` };
  const emitted = scopeManaged(name, known.needs, kept);
  if (!emitted) return { ...base, manual: `stackfix does not know what ${name} grants` };
  const target = policyTarget(placement);
  if (!target) return { ...base, manual: 'its role has no name stackfix can add statements to' };
  const q = source.style.quote;
  const statements = (toStatements(emitted) as Array<{ Action: string[]; Resource: Json }>).map((s) => ({
    actions: s.Action,
    resources: (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) => renderResource(r, q)),
  }));
  const notes = describeNotes(known.needs.filter((n) => n.notes.length > 0 && emitted.some((e) => e.need === n)));
  const granted = known.needs.some((n) => managedPolicyGrantsAction(name, n.action));
  const moved = emitted.length > 0
    ? `; what ${users.length === 1 ? 'it calls' : 'they call'} of it moves to statements: ${describeEmitted(emitted)}`
    : granted ? '; other grants of the role already allow what the code needs of it' : '; the code needs nothing of it';
  return {
    ...base,
    messageId: 'managed-policy-replaced',
    message: `${base.message}${moved}${notes ? `. Not narrower: ${notes}` : ''}`,
    fix: () => {
      const texts = statements.map((s) => `${target}(${statementText(source, s)})`);
      moveToStatements(source, placement, texts);
    },
  };
}

/** `fn.addToRolePolicy` for one function, the role's `addToPolicy` for several. */
function policyTarget(placement: Placement): string | undefined {
  const [only, ...more] = placement.users;
  if (more.length === 0 && only!.call.variableName) return `${only!.call.variableName}.addToRolePolicy`;
  const role = placement.kind === 'element' ? placement.role.variableName : placement.receiver;
  return role ? `${role}.addToPolicy` : undefined;
}

/**
 * The policy goes, and the statements come after the last statement that creates one of the functions
 * (the constructs they name are declared before it, as its `environment` names them), or in place of
 * the `addManagedPolicy` call when that comes later.
 */
function moveToStatements(source: CdkSource, placement: Placement, texts: string[]): void {
  const last = [...placement.users].sort((a, b) => b.call.expression.getStart() - a.call.expression.getStart())[0]!;
  if (placement.kind === 'element') removeElement(placement.role, placement.callText);
  else if (placement.statement().getStart() > last.call.expression.getStart()) {
    replaceStatement(source, placement.statement(), texts);
    return;
  } else replaceStatement(source, placement.statement(), []);
  if (texts.length > 0) source.insertStatementsAfter(last.call, texts);
}

/**
 * `managedPolicies: [a, b]` without `b`, the rest of the list as written (its layout, its trailing
 * comma). Through the construct's `setProp`, which keeps the file's other nodes in place.
 */
function removeElement(role: ConstructCall, elementText: string): void {
  const list = role.getProp('managedPolicies')?.asKindOrThrow(SyntaxKind.ArrayLiteralExpression);
  const elements = list?.getElements() ?? [];
  const index = elements.findIndex((e) => e.getText() === elementText);
  if (!list || index === -1) throw new Error(`${elementText} is no longer in the managedPolicies of ${role.constructPath}`);
  if (elements.length === 1) {
    // ts-morph drops the comma before a last property it removes: then the file's trailing comma goes too.
    const property = list.getParentIfKindOrThrow(SyntaxKind.PropertyAssignment);
    const props = property.getParentIfKindOrThrow(SyntaxKind.ObjectLiteralExpression);
    if (props.getProperties().at(-1) !== property || !props.compilerNode.properties.hasTrailingComma) property.remove();
    else role.setProp('managedPolicies', '[]');
    return;
  }
  // Not the last: from it to the next element. The last: from the end of the one before it.
  const [from, to] = index < elements.length - 1 ? [elements[index]!.getStart(), elements[index + 1]!.getStart()] : [elements[index - 1]!.getEnd(), elements[index]!.getEnd()];
  const text = list.getSourceFile().getFullText();
  const start = list.getStart();
  const kept = text.slice(start, from) + text.slice(to, list.getEnd());
  // setProp lays out lines after the first under the property: give them relative to its indent.
  const property = list.getParentOrThrow();
  const indent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', property.getStart()) + 1))![0];
  role.setProp('managedPolicies', kept.split('\n').map((line, i) => (i > 0 && line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n'));
}

// ---- where the policy is ---------------------------------------------------------------------------

function placementOf(source: CdkSource, functions: CdkFunction[], call: CallExpression): Placement | undefined {
  const parent = call.getParent();
  if (Node.isArrayLiteralExpression(parent)) {
    const property = parent.getParent();
    if (!Node.isPropertyAssignment(property) || property.getName() !== 'managedPolicies') return undefined;
    const role = source.findConstructs('aws-iam', 'Role').find((r) => r.getProps() === property.getParent());
    const users = role ? functions.filter((f) => f.role === role.expression) : [];
    return role && users.length > 0 ? { kind: 'element', call, callText: call.getText(), role, users } : undefined;
  }
  if (Node.isCallExpression(parent) && parent.getArguments()[0] === call) {
    const callee = parent.getExpression();
    const statement = parent.getParent();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'addManagedPolicy' || !Node.isExpressionStatement(statement)) return undefined;
    const receiver = callee.getExpression();
    const users = functionsOfPrincipal(source, functions, receiver);
    return users.length > 0 ? { kind: 'statement', call, statement: relocatable(statement), receiver: receiver.getText().replace(/[\s!?]/g, ''), users } : undefined;
  }
  return undefined;
}

/** Functions whose role the policy is given to in a shape stackfix does not rewrite (to report it). */
function usersAround(functions: CdkFunction[], call: CallExpression): CdkFunction[] {
  const role = call.getFirstAncestor((a) => Node.isNewExpression(a) && functions.some((f) => f.role === a));
  if (role) return functions.filter((f) => f.role === role);
  const receiver = call.getFirstAncestorByKind(SyntaxKind.CallExpression)?.getExpression().getText() ?? '';
  return functions.filter((f) => f.call.variableName && receiver.startsWith(`${f.call.variableName}.role`));
}

function policyName(call: CallExpression): string | undefined {
  const arg = call.getArguments()[0];
  return arg && Node.isStringLiteral(arg) ? arg.getLiteralText().replace(/^service-role\//, '') : undefined;
}

// ---- what the role keeps ---------------------------------------------------------------------------

/**
 * Grants the role keeps: its other (known, not broad) managed policies, the basic execution policy CDK
 * gives the roles it creates, and `grant*` calls to it on constructs of this file.
 */
function keptOf(source: CdkSource, functions: CdkFunction[], placement: Placement): Kept {
  const kept = new Kept();
  const sameRole = (fs: CdkFunction[]) => fs.length === placement.users.length && fs.every((f) => placement.users.includes(f));
  for (const call of source.findStaticCalls('aws-iam', 'ManagedPolicy', 'fromAwsManagedPolicyName')) {
    const name = policyName(call);
    const other = placementOf(source, functions, call);
    if (name && other && !isBroadManagedPolicy(name) && sameRole(other.users)) kept.addEverywhere(knownManagedGrants(name));
  }
  if (placement.users.some((u) => !u.role)) kept.addEverywhere(knownManagedGrants('AWSLambdaBasicExecutionRole'));
  for (const grant of grantsToFunctions(source, functions)) {
    const info = CONSTRUCT_ARNS.find((i) => i.module === grant.construct.module);
    // A grant on some keys only (`bucket.grantRead(fn, 'uploads/*')`) does not keep the whole resource.
    if (!info || !sameRole(grant.users) || (grant.method && grant.call.getArguments().length > 1)) continue;
    const resources: Json[] = [{ cdk: `${grant.receiver}.${info.arn}` }];
    if (info.children?.object) resources.push({ cdk: info.children.object.replace(/X/g, grant.receiver) });
    kept.addOn(grant.actions, resources);
  }
  return kept;
}
