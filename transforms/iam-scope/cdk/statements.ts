/**
 * `new PolicyStatement({ actions, resources })` that reach a Lambda function's role (through
 * `fn.addToRolePolicy`, the function's `initialPolicy`, or its role's `inlinePolicies` / `addToPolicy`)
 * with `*` actions or `*` resources: rewritten to what the function's code calls.
 */
import { Node, SyntaxKind, type Expression, type NewExpression, type ObjectLiteralExpression } from 'ts-morph';
import type { Json } from '../../../src/document/cfn/index.js';
import type { CdkSource } from '../../../src/document/cdk/index.js';
import type { CdkFindingInput } from '../../../src/transform.js';
import type { IamScopeOptions } from '../meta.js';
import { breadthOf } from '../policy.js';
import { describeEmitted, describeNotes } from '../report.js';
import { Kept, scopeStatement, toStatements } from '../scope.js';
import { isExcluded, propOf, type CdkFunction } from './functions.js';
import { roleNeeds } from './needs.js';
import { placeholderForm, quote, renderResource, withPseudoParameters, type RenderedStatement } from './render.js';

interface Attached {
  statement: NewExpression;
  functions: CdkFunction[];
}

export function statementFindings(source: CdkSource, functions: CdkFunction[], options: IamScopeOptions): CdkFindingInput[] {
  const out: CdkFindingInput[] = [];
  for (const { statement, functions: users } of attachedStatements(source, functions)) {
    if (users.some((f) => isExcluded(f, options))) continue;
    const finding = scopeCdkStatement(source, statement, users, options);
    if (finding) out.push(finding);
  }
  return out;
}

// ---- statements that reach a function's role -------------------------------------------------------

function attachedStatements(source: CdkSource, functions: CdkFunction[]): Attached[] {
  const out: Attached[] = [];
  const add = (statement: NewExpression | undefined, users: CdkFunction[]) => {
    if (!statement || !isPolicyStatement(source, statement) || users.length === 0) return;
    const existing = out.find((a) => a.statement === statement);
    if (existing) existing.functions.push(...users.filter((u) => !existing.functions.includes(u)));
    else out.push({ statement, functions: users });
  };
  for (const fn of functions) {
    const initial = propOf(fn.call, 'initialPolicy');
    if (initial && Node.isArrayLiteralExpression(initial)) for (const el of initial.getElements()) add(asNew(el), [fn]);
  }
  for (const role of source.findConstructs('aws-iam', 'Role')) {
    const users = functions.filter((f) => f.role === role.expression);
    const inline = role.getProp('inlinePolicies');
    if (inline && Node.isObjectLiteralExpression(inline)) {
      for (const doc of inline.getDescendantsOfKind(SyntaxKind.NewExpression)) {
        const statements = doc.getArguments()[0];
        if (!statements || !Node.isObjectLiteralExpression(statements)) continue;
        const list = propInit(statements, 'statements');
        if (list && Node.isArrayLiteralExpression(list)) for (const el of list.getElements()) add(asNew(el), users);
      }
    }
    if (role.variableName) for (const st of statementsAddedTo(source, [role.variableName], ['addToPolicy', 'addToPrincipalPolicy'])) add(st, users);
  }
  for (const fn of functions) {
    if (!fn.call.variableName) continue;
    const names = [fn.call.variableName];
    for (const st of statementsAddedTo(source, names, ['addToRolePolicy'])) add(st, [fn]);
    const roleNames = [`${fn.call.variableName}.role`, `${fn.call.variableName}.role!`, `${fn.call.variableName}.role?`];
    for (const st of statementsAddedTo(source, roleNames, ['addToPrincipalPolicy', 'addToPolicy'])) add(st, [fn]);
  }
  return out;
}

function statementsAddedTo(source: CdkSource, receivers: string[], methods: string[]): NewExpression[] {
  return source.file
    .getDescendantsOfKind(SyntaxKind.CallExpression)
    .filter((call) => {
      const callee = call.getExpression();
      return Node.isPropertyAccessExpression(callee) && methods.includes(callee.getName()) && receivers.includes(callee.getExpression().getText().replace(/\?$/, ''));
    })
    .map((call) => asNew(call.getArguments()[0]))
    .filter((n): n is NewExpression => !!n);
}

function isPolicyStatement(source: CdkSource, expr: NewExpression): boolean {
  const ref = source.resolveReference(expr.getExpression());
  return ref?.module === 'aws-iam' && ref.path.join('.') === 'PolicyStatement';
}

function asNew(node: Node | undefined): NewExpression | undefined {
  return node && Node.isNewExpression(node) ? node : undefined;
}

function propInit(literal: ObjectLiteralExpression, name: string): Expression | undefined {
  const prop = literal.getProperty(name);
  return prop && Node.isPropertyAssignment(prop) ? prop.getInitializer() : undefined;
}

// ---- scoping one statement -------------------------------------------------------------------------

function scopeCdkStatement(source: CdkSource, statement: NewExpression, users: CdkFunction[], options: IamScopeOptions): CdkFindingInput | undefined {
  const props = statement.getArguments()[0];
  if (!props || !Node.isObjectLiteralExpression(props)) return undefined;
  const effect = propInit(props, 'effect')?.getText() ?? '';
  if (/DENY/.test(effect)) return undefined;
  const actionsInit = propInit(props, 'actions');
  const resourcesInit = propInit(props, 'resources');
  const actions = stringList(actionsInit);
  const resources = resourcesInit && Node.isArrayLiteralExpression(resourcesInit) ? resourcesInit.getElements().map((e) => (isStar(e) ? '*' : { cdk: e.getText() })) : undefined;
  const view: Json = { Effect: 'Allow', Action: actions ?? [], Resource: resources ?? [] };
  const breadth = breadthOf(view);
  if (!breadth.broad) return undefined;
  const where = users.map((u) => u.call.constructPath).join(', ');
  const base = { node: statement, constructPath: where, messageId: 'scoped' };
  const message = `a PolicyStatement on the role of ${where} grants ${breadth.what}`;
  if (!actions || !resources || props.getProperty('notActions')) {
    return { ...base, messageId: 'broad-not-scoped', message, manual: 'its actions or resources are not literal lists stackfix can read' };
  }
  const known = roleNeeds(source, users, options);
  if (!known.ok) return { ...base, messageId: 'broad-not-scoped', message, manual: `what it needs cannot be read: ${known.reasons.join('; ')}` };

  const emitted = scopeStatement(view, known.needs, new Kept());
  const statements = toStatements(emitted, view) as Array<{ Action: string[]; Resource: Json }>;
  const notes = describeNotes(known.needs.filter((n) => n.notes.length > 0 && emitted.some((e) => e.need === n)));
  const q = source.style.quote;
  const rendered: RenderedStatement[] = statements.map((s) => ({ actions: s.Action, resources: (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) => renderResource(r, q)) }));
  const written = resourcesInit!.asKindOrThrow(SyntaxKind.ArrayLiteralExpression).getElements().map((e) => placeholderForm(e.getText()));
  const same = rendered.length === 1 && sameTexts(rendered[0]!.actions, actions) && sameTexts(rendered[0]!.resources, written);
  if (same) return notes ? { ...base, messageId: 'resource-not-narrowed', message: `${message}; it keeps what the code needs`, manual: `not narrower: ${notes}` } : undefined;
  const fix = () => {
    const texts = rendered.map((r) => ({ actions: `[${r.actions.map((a) => quote(a, q)).join(', ')}]`, resources: `[${withPseudoParameters(source, r.resources).join(', ')}]` }));
    source.applyStyle();
    replaceStatement(statement, props, texts);
  };
  return { ...base, message: `${message}; scoped to what ${where} call${users.length === 1 ? 's' : ''}: ${describeEmitted(emitted) || 'nothing'}${notes ? `. Not narrower: ${notes}` : ''}`, fix };
}

/** One statement: its lists are rewritten in place. Several: the statement is repeated, one per resource list. */
function replaceStatement(statement: NewExpression, props: ObjectLiteralExpression, texts: Array<{ actions: string; resources: string }>): void {
  if (texts.length === 0) {
    const parent = statement.getParent();
    if (Node.isArrayLiteralExpression(parent)) parent.removeElement(statement);
    else statement.getFirstAncestorByKind(SyntaxKind.ExpressionStatement)?.remove();
    return;
  }
  const [first, ...rest] = texts;
  const copies = rest.map((t) => {
    const callee = statement.getExpression().getText();
    const other = props.getProperties().filter((p) => !/^(actions|resources)\b/.test(p.getText())).map((p) => p.getText());
    return `new ${callee}({ ${[...other, `actions: ${t.actions}`, `resources: ${t.resources}`].join(', ')} })`;
  });
  props.getPropertyOrThrow('actions').asKindOrThrow(SyntaxKind.PropertyAssignment).setInitializer(first!.actions);
  props.getPropertyOrThrow('resources').asKindOrThrow(SyntaxKind.PropertyAssignment).setInitializer(first!.resources);
  if (copies.length === 0) return;
  const parent = statement.getParent();
  if (Node.isArrayLiteralExpression(parent)) {
    parent.insertElements(parent.getElements().indexOf(statement) + 1, copies);
    return;
  }
  // `fn.addToRolePolicy(new PolicyStatement(...))`: one more call per extra statement.
  const call = statement.getParentIfKindOrThrow(SyntaxKind.CallExpression);
  const holder = call.getFirstAncestorByKindOrThrow(SyntaxKind.ExpressionStatement);
  const callee = call.getExpression().getText();
  const block = holder.getParentOrThrow();
  if (!Node.isBlock(block) && !Node.isSourceFile(block)) throw new Error('cannot add statements here');
  block.insertStatements(holder.getChildIndex() + 1, copies.map((c) => `${callee}(${c});`));
}

function stringList(expr: Expression | undefined): string[] | undefined {
  if (!expr || !Node.isArrayLiteralExpression(expr)) return undefined;
  const out: string[] = [];
  for (const el of expr.getElements()) {
    if (!Node.isStringLiteral(el) && !Node.isNoSubstitutionTemplateLiteral(el)) return undefined;
    out.push(el.getLiteralText());
  }
  return out;
}

function isStar(node: Node): boolean {
  return (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) && node.getLiteralText() === '*';
}

function sameTexts(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
}
