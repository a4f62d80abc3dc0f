/**
 * CDK half: `new PolicyStatement({ actions, resources })` that reach a Lambda function's role (through
 * `fn.addToRolePolicy`, the function's `initialPolicy`, or its role's `inlinePolicies` /
 * `addToPolicy`) with `*` actions or `*` resources are rewritten to what the function's code calls,
 * with construct ARNs (`table.tableArn`, `bucket.arnForObjects('*')`) where the code reads a name the
 * stack passes in `environment`. Managed policies and `grant*` calls are reported, not rewritten.
 */
import { Node, SyntaxKind, type Expression, type NewExpression, type ObjectLiteralExpression } from 'ts-morph';
import type { Json } from '../../src/document/cfn/index.js';
import type { CdkSource, ConstructCall } from '../../src/document/cdk/index.js';
import type { CdkFindingInput, CdkHalf } from '../../src/transform.js';
import { entryFiles, languageOf, readCodeFile, readInlineCode, type Language } from './code/locate.js';
import { dirname, joinPath } from './code/js.js';
import type { CodeReading, SdkCall, ValueSource } from './code/types.js';
import { resourceParamsOf, resourceTypesOf, runtime, singleAccountServices, splitAction } from './data.js';
import type { IamScopeOptions } from './meta.js';
import { breadthOf, isBroadManagedPolicy } from './policy.js';
import { fillArn } from './resources.js';
import { describeEmitted, describeNotes } from './report.js';
import { Kept, mergeNeeds, scopeStatement, toStatements, type Need } from './scope.js';

/** ARN properties of the L2 constructs a function's environment usually names. */
const CONSTRUCT_ARNS: Array<{ module: string; classes: string[]; service: string; arn: string; children?: Record<string, string> }> = [
  { module: 'aws-dynamodb', classes: ['Table', 'TableV2'], service: 'dynamodb', arn: 'tableArn', children: { index: '`${X.tableArn}/index/*`', stream: 'X.tableStreamArn!' } },
  { module: 'aws-s3', classes: ['Bucket'], service: 's3', arn: 'bucketArn', children: { object: "X.arnForObjects('*')" } },
  { module: 'aws-sqs', classes: ['Queue'], service: 'sqs', arn: 'queueArn' },
  { module: 'aws-sns', classes: ['Topic'], service: 'sns', arn: 'topicArn' },
  { module: 'aws-lambda', classes: ['Function'], service: 'lambda', arn: 'functionArn' },
  { module: 'aws-lambda-nodejs', classes: ['NodejsFunction'], service: 'lambda', arn: 'functionArn' },
  { module: 'aws-kms', classes: ['Key'], service: 'kms', arn: 'keyArn' },
  { module: 'aws-secretsmanager', classes: ['Secret'], service: 'secretsmanager', arn: 'secretArn' },
  { module: 'aws-kinesis', classes: ['Stream'], service: 'kinesis', arn: 'streamArn' },
  { module: 'aws-stepfunctions', classes: ['StateMachine'], service: 'states', arn: 'stateMachineArn' },
  { module: 'aws-events', classes: ['EventBus'], service: 'events', arn: 'eventBusArn' },
];

interface CdkFunction {
  call: ConstructCall;
  code: CodeReading | string;
  /** The role construct given in `role`, when the function has one. */
  role: NewExpression | undefined;
}

interface Attached {
  statement: NewExpression;
  functions: CdkFunction[];
}

export const cdk: CdkHalf<IamScopeOptions> = {
  detect(source, ctx) {
    const read = (path: string) => ctx.files.read(path);
    const functions = lambdaFunctions(source, read);
    const out: CdkFindingInput[] = [];
    for (const { statement, functions: users } of attachedStatements(source, functions)) {
      if (users.some((f) => ctx.options.exclude.includes(f.call.id ?? '') || ctx.options.exclude.includes(f.call.variableName ?? ''))) continue;
      const finding = scopeCdkStatement(source, statement, users, ctx.options);
      if (finding) out.push(finding);
    }
    out.push(...managedPolicyReports(source, functions));
    return out;
  },
};

// ---- functions and their code ---------------------------------------------------------------------

function lambdaFunctions(source: CdkSource, read: (path: string) => string | undefined): CdkFunction[] {
  const calls = [...source.findConstructs('aws-lambda', 'Function'), ...source.findConstructs('aws-lambda-nodejs', 'NodejsFunction')];
  return calls.map((call) => {
    const roleExpr = call.getProp('role');
    const role = roleExpr ? constructOf(source, roleExpr, 'aws-iam', 'Role')?.expression : undefined;
    return { call, code: codeOf(source, call, read), role };
  });
}

/** The code of a function: inline text, or its entry file relative to this file (or a folder above). */
function codeOf(source: CdkSource, call: ConstructCall, read: (path: string) => string | undefined): CodeReading | string {
  const isNodejs = call.className === 'NodejsFunction';
  const runtimeText = call.getProp('runtime')?.getText() ?? '';
  const language: Language | undefined = isNodejs ? 'js' : languageOf(/PYTHON/i.test(runtimeText) ? 'python' : /NODEJS/i.test(runtimeText) ? 'nodejs' : undefined);
  if (!language) return 'its runtime is not one stackfix reads (Node.js and Python are)';
  const name = call.variableName ?? call.id ?? 'function';
  if (isNodejs) {
    const entry = call.getProp('entry');
    const path = entry ? literalPath(entry) : `${source.file.getBaseNameWithoutExtension()}.${call.id}.ts`;
    if (!path) return 'its entry is not a path stackfix can read';
    return readAbove([path], read) ?? `its entry ${path} is not in the project`;
  }
  const code = call.getProp('code');
  const inline = code && Node.isCallExpression(code) && /fromInline$/.test(code.getExpression().getText()) ? code.getArguments()[0] : code && Node.isNewExpression(code) && /InlineCode$/.test(code.getExpression().getText()) ? code.getArguments()[0] : undefined;
  if (inline) {
    return Node.isStringLiteral(inline) || Node.isNoSubstitutionTemplateLiteral(inline) ? readInlineCode(`${name} inline code`, inline.getLiteralText(), language) : 'its inline code is not a literal';
  }
  const asset = code && Node.isCallExpression(code) && /fromAsset$/.test(code.getExpression().getText()) ? code.getArguments()[0] : undefined;
  const folder = asset ? literalPath(asset as Expression) : undefined;
  const handler = call.getProp('handler');
  if (!folder || !handler || !Node.isStringLiteral(handler)) return 'its code is not a local asset with a literal handler';
  return readAbove(entryFiles(undefined, folder, handler.getLiteralText(), language), read) ?? `its handler file is not in the project (under ${folder})`;
}

/** CDK resolves asset paths from the app's folder: try this file's folder, then the folders above it. */
function readAbove(candidates: string[], read: (path: string) => string | undefined): CodeReading | undefined {
  for (const up of ['', '..', '../..']) {
    const found = readCodeFile(candidates.map((c) => joinPath(up, c)), dirname(joinPath(up, candidates[0]!)), read);
    if (found) return found;
  }
  return undefined;
}

/** `'lambda'`, `path.join(__dirname, '../lambda')`, `` `${__dirname}/lambda` `` → a relative path. */
function literalPath(expr: Expression): string | undefined {
  if (Node.isStringLiteral(expr) || Node.isNoSubstitutionTemplateLiteral(expr)) return expr.getLiteralText();
  if (Node.isCallExpression(expr) && /\.(join|resolve)$/.test(expr.getExpression().getText())) {
    const [first, ...rest] = expr.getArguments();
    if (first?.getText() !== '__dirname' || !rest.every((a) => Node.isStringLiteral(a))) return undefined;
    return joinPath('', rest.map((a) => (a as Node & { getLiteralText(): string }).getLiteralText()).join('/'));
  }
  return undefined;
}

function constructOf(source: CdkSource, expr: Expression, module: string, className: string): ConstructCall | undefined {
  const all = source.findConstructs(module, className);
  if (Node.isNewExpression(expr)) return all.find((c) => c.expression === expr);
  const name = expr.getText();
  return all.find((c) => c.variableName === name || c.variableName === `this.${name}`);
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
    const initial = fn.call.getProp('initialPolicy');
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
  const base = { node: statement, constructPath: users.map((u) => u.call.constructPath).join(', '), messageId: 'scoped' };
  const message = `a PolicyStatement on the role of ${users.map((u) => u.call.constructPath).join(', ')} grants ${breadth.what}`;
  if (!actions || !resources || props.getProperty('notActions')) {
    return { ...base, messageId: 'broad-not-scoped', message, manual: 'its actions or resources are not literal lists stackfix can read' };
  }
  const reasons = users.flatMap((u) => (typeof u.code === 'string' ? [`${u.call.constructPath}: ${u.code}`] : u.code.opaque.map((o) => `${o.evidence.file}:${o.evidence.line} \`${o.evidence.text}\`: ${o.reason}`)));
  if (reasons.length > 0) return { ...base, messageId: 'broad-not-scoped', message, manual: `what it needs cannot be read: ${reasons.join('; ')}` };

  const needs = mergeNeeds(users.flatMap((u) => cdkNeeds(source, u, options)));
  const emitted = scopeStatement(view, needs, new Kept());
  const statements = toStatements(emitted, view) as Array<{ Action: string[]; Resource: Json }>;
  const notes = describeNotes(needs.filter((n) => n.notes.length > 0 && emitted.some((e) => e.need === n)));
  const rendered = statements.map((s) => ({ actions: s.Action, resources: (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(renderResource) }));
  const written = resourcesInit!.asKindOrThrow(SyntaxKind.ArrayLiteralExpression).getElements().map((e) => e.getText().replace(/\$\{[\w.]*\bAws\.(PARTITION|REGION|ACCOUNT_ID)\}/g, '${AWS_$1}'));
  const same = rendered.length === 1 && sameTexts(rendered[0]!.actions, actions) && sameTexts(rendered[0]!.resources, written);
  if (same) return notes ? { ...base, messageId: 'resource-not-narrowed', message: `${message}; it keeps what the code needs`, manual: `not narrower: ${notes}` } : undefined;
  const fix = () => {
    const aws = rendered.some((r) => r.resources.some((t) => t.includes('AWS_PARTITION'))) ? source.ensureImport('core', 'Aws') : '';
    const texts = rendered.map((r) => ({ actions: `[${r.actions.map(quote).join(', ')}]`, resources: `[${r.resources.map((t) => t.replace(/AWS_(PARTITION|REGION|ACCOUNT_ID)/g, `${aws}.$1`)).join(', ')}]` }));
    replaceStatement(statement, props, texts);
  };
  return { ...base, message: `${message}; scoped to what ${users.map((u) => u.call.constructPath).join(', ')} call${users.length === 1 ? 's' : ''}: ${describeEmitted(emitted) || 'nothing'}${notes ? `. Not narrower: ${notes}` : ''}`, fix };
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

function cdkNeeds(source: CdkSource, fn: CdkFunction, options: IamScopeOptions): Array<{ action: string; resources: Json[]; targets: []; why: string; note?: string }> {
  const code = fn.code as CodeReading;
  const out: Array<{ action: string; resources: Json[]; targets: []; why: string; note?: string }> = [];
  for (const call of code.calls) {
    for (const action of call.actions) {
      const resolved = cdkResources(source, fn, call, action, options);
      out.push({ action, targets: [], why: `${call.evidence.file}:${call.evidence.line}`, ...resolved });
    }
  }
  if (fn.role) {
    // A role of your own does not get AWSLambdaBasicExecutionRole: the function needs its log group.
    const name = fn.call.getProp('functionName');
    const group = name && Node.isStringLiteral(name) ? `/aws/lambda/${name.getLiteralText()}` : '/aws/lambda/*';
    const resources = [`log-group:${group}`, `log-group:${group}:*`].map((r) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:${r}` }));
    for (const action of runtime.logs) out.push({ action, resources, targets: [], why: `Lambda: ${fn.call.constructPath} logs` });
  }
  return out;
}

function cdkResources(source: CdkSource, fn: CdkFunction, call: SdkCall, action: string, options: IamScopeOptions): { resources: Json[]; note?: string } {
  const types = resourceTypesOf(action) ?? [];
  if (types.length === 0) return { resources: ['*'] };
  const [service] = splitAction(action);
  const resolved = call.targets.length > 0 ? call.targets.map((t) => targetResources(source, fn, t, service, types, call)) : [undefined];
  if (resolved.every((r): r is Json[] => r !== undefined)) return { resources: resolved.flat() };
  const reason = call.targets.length === 0 ? 'the request does not name its resource where stackfix can read it' : 'its resource is not a construct or literal of this stack';
  if (options.accountWildcards && singleAccountServices.has(service)) return { resources: types.map((t) => fillArn(service, t, undefined, call.explicitRegion)), note: `${reason}; ${service} acts only in this account` };
  return { resources: ['*'], note: reason };
}

/** `environment: { TABLE: table.tableName }` → `table.tableArn` (and its index or objects when the action takes them). */
function targetResources(source: CdkSource, fn: CdkFunction, target: ValueSource, service: string, types: string[], call: SdkCall): Json[] | undefined {
  if ('literal' in target) {
    const param = resourceParamsOf(service).find((p) => types.includes(p.type) || (p.type === 'bucket' && types.includes('object')));
    if (!param || param.form !== 'name') return undefined;
    return types.filter((t) => t === param.type || (param.type === 'bucket' && t === 'object')).map((t) => fillArn(service, t, target.literal.replace(/\$\{/g, '${!'), call.explicitRegion));
  }
  if (!('env' in target)) return undefined;
  const env = fn.call.getProp('environment');
  const value = env && Node.isObjectLiteralExpression(env) ? propInit(env, target.env) : undefined;
  if (!value || !Node.isPropertyAccessExpression(value)) return undefined;
  const owner = value.getExpression();
  for (const info of CONSTRUCT_ARNS.filter((i) => i.service === service)) {
    const construct = constructOf(source, owner, info.module, info.classes[0]!) ?? constructOf(source, owner, info.module, info.classes[1] ?? '');
    if (!construct) continue;
    const x = owner.getText();
    const out: Json[] = [];
    const mainType = resourceParamsOf(service).find((p) => types.includes(p.type))?.type;
    if (mainType) out.push({ cdk: `${x}.${info.arn}` });
    for (const [child, text] of Object.entries(info.children ?? {})) {
      if (types.includes(child) && (child !== 'index' || call.usesIndex)) out.push({ cdk: text.replace(/X/g, x) });
    }
    return out.length > 0 ? out : undefined;
  }
  return undefined;
}

// ---- managed policies: reported --------------------------------------------------------------------

function managedPolicyReports(source: CdkSource, functions: CdkFunction[]): CdkFindingInput[] {
  const out: CdkFindingInput[] = [];
  for (const call of source.findStaticCalls('aws-iam', 'ManagedPolicy', 'fromAwsManagedPolicyName')) {
    const arg = call.getArguments()[0];
    const name = arg && Node.isStringLiteral(arg) ? arg.getLiteralText() : undefined;
    if (!name || !isBroadManagedPolicy(name)) continue;
    const role = call.getFirstAncestor((a) => Node.isNewExpression(a) && functions.some((f) => f.role === a));
    const receiver = call.getFirstAncestorByKind(SyntaxKind.CallExpression)?.getExpression().getText() ?? '';
    if (!role && !functions.some((f) => f.call.variableName && receiver.startsWith(`${f.call.variableName}.role`))) continue;
    out.push({
      node: call,
      messageId: 'broad-not-scoped',
      message: `a Lambda role has the managed policy ${name}`,
      manual: 'replace it with statements for what the function calls (stackfix scopes PolicyStatements in CDK code, not managed policies)',
    });
  }
  return out;
}

// ---- rendering -------------------------------------------------------------------------------------

/** A resource as TypeScript: `'*'`, `table.tableArn`, or a template literal with `Aws` pseudo parameters. */
function renderResource(resource: Json): string {
  if (resource === '*') return quote('*');
  if (resource && typeof resource === 'object' && !Array.isArray(resource)) {
    if (typeof resource.cdk === 'string') return resource.cdk;
    const sub = resource['Fn::Sub'];
    if (typeof sub === 'string') {
      const text = sub
        .replace(/\$\{AWS::Partition\}/g, '${AWS_PARTITION}')
        .replace(/\$\{AWS::Region\}/g, '${AWS_REGION}')
        .replace(/\$\{AWS::AccountId\}/g, '${AWS_ACCOUNT_ID}')
        .replace(/\$\{!/g, '\\${');
      return '`' + text + '`';
    }
  }
  return quote(String(resource));
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

function quote(text: string): string {
  return `'${text.replace(/'/g, "\\'")}'`;
}
