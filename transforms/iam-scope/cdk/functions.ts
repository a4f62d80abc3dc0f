/**
 * The Lambda functions of a CDK file as this transform sees them: each one's code (read from its
 * inline text, asset folder and handler, or NodejsFunction entry), its own role when it has one, and
 * the props it is built with, spread props (`...commonProps`) included.
 */
import { Node, SyntaxKind, type CallExpression, type Expression, type NewExpression, type ObjectLiteralExpression } from 'ts-morph';
import type { CdkSource, ConstructCall } from '../../../src/document/cdk/index.js';
import { entryFiles, languageOf, readCodeFile, readInlineCode, type Language } from '../code/locate.js';
import { dirname, joinPath } from '../code/js.js';
import type { CodeReading } from '../code/types.js';
import type { IamScopeOptions } from '../meta.js';

export interface CdkFunction {
  call: ConstructCall;
  /** What reading its code gave, or why it could not be read. */
  code: CodeReading | string;
  /** The role construct given in `role`, when the function has one. */
  role: NewExpression | undefined;
}

export function lambdaFunctions(source: CdkSource, read: (path: string) => string | undefined): CdkFunction[] {
  const calls = [...source.findConstructs('aws-lambda', 'Function'), ...source.findConstructs('aws-lambda-nodejs', 'NodejsFunction')];
  return calls.map((call) => {
    const roleExpr = propOf(call, 'role');
    const role = roleExpr ? constructOf(source, roleExpr, 'aws-iam', 'Role')?.expression : undefined;
    return { call, code: codeOf(source, call, read), role };
  });
}

export function isExcluded(fn: CdkFunction, options: IamScopeOptions): boolean {
  return options.exclude.includes(fn.call.id ?? '') || options.exclude.includes(fn.call.variableName ?? '');
}

/** The functions that run with the same role as `fn`: those given the same role construct, else `fn` alone. */
function sharingRole(fn: CdkFunction, functions: CdkFunction[]): CdkFunction[] {
  return fn.role ? functions.filter((f) => f.role === fn.role) : [fn];
}

/**
 * The functions whose role a grantee or receiver names: `fn`, `fn.role!`, `fn.grantPrincipal`, or a
 * Role construct that functions of this file are given. Empty when it is none of these.
 */
export function functionsOfPrincipal(source: CdkSource, functions: CdkFunction[], expr: Expression): CdkFunction[] {
  const text = expr.getText().replace(/[\s!?]/g, '');
  for (const fn of functions) {
    const name = fn.call.variableName;
    if (name && [name, `${name}.role`, `${name}.grantPrincipal`].includes(text)) return sharingRole(fn, functions);
  }
  const role = constructOf(source, expr, 'aws-iam', 'Role');
  return role ? functions.filter((f) => f.role === role.expression) : [];
}

/** Why the needs of these functions cannot be known: code that cannot be found, read, or resolved. */
export function unreadableCode(users: CdkFunction[]): string[] {
  return users.flatMap((u) =>
    typeof u.code === 'string'
      ? [`${u.call.constructPath}: ${u.code}`]
      : u.code.opaque.map((o) => `${o.evidence.file}:${o.evidence.line} \`${o.evidence.text}\`: ${o.reason}`),
  );
}

// ---- props -----------------------------------------------------------------------------------------

/** A prop of a construct call, looked up through spreads of object literals of this file too. */
export function propOf(call: ConstructCall, name: string): Expression | undefined {
  const props = call.getProps();
  return props ? propertyOf(props, name) : undefined;
}

/** A property of an object literal (the last one wins, as in JavaScript), through `...spread` of a local literal. */
function propertyOf(literal: ObjectLiteralExpression, name: string, depth = 0): Expression | undefined {
  const properties = literal.getProperties();
  for (let i = properties.length - 1; i >= 0; i--) {
    const property = properties[i]!;
    if (Node.isSpreadAssignment(property)) {
      const spread = depth < 3 ? localObjectLiteral(property.getExpression()) : undefined;
      const found = spread ? propertyOf(spread, name, depth + 1) : undefined;
      if (found) return found;
    } else if (Node.isPropertyAssignment(property) && keyName(property.getNameNode()) === name) {
      return property.getInitializer();
    } else if (Node.isShorthandPropertyAssignment(property) && property.getName() === name) {
      return property.getNameNode();
    }
  }
  return undefined;
}

/**
 * The value of an environment variable of a function: `environment: { TABLE: table.tableName }` or a
 * later `fn.addEnvironment('TABLE', table.tableName)`.
 */
export function environmentValue(source: CdkSource, fn: CdkFunction, name: string): Expression | undefined {
  const variable = fn.call.variableName;
  const added = variable
    ? source.file.getDescendantsOfKind(SyntaxKind.CallExpression).filter((call) => {
        const callee = call.getExpression();
        const [key] = call.getArguments();
        return Node.isPropertyAccessExpression(callee) && callee.getName() === 'addEnvironment' &&
          callee.getExpression().getText() === variable && !!key && Node.isStringLiteral(key) && key.getLiteralText() === name;
      })
    : [];
  const last = added.at(-1)?.getArguments()[1];
  if (last) return last as Expression;
  const env = propOf(fn.call, 'environment');
  return env && Node.isObjectLiteralExpression(env) ? propertyOf(env, name) : undefined;
}

/** `const common = { … }` (typed, `as`, `satisfies` too): the literal a spread of `common` copies. */
function localObjectLiteral(expr: Expression): ObjectLiteralExpression | undefined {
  if (!Node.isIdentifier(expr)) return undefined;
  const literals = expr
    .getSourceFile()
    .getDescendantsOfKind(SyntaxKind.VariableDeclaration)
    .filter((d) => d.getName() === expr.getText())
    .map((d) => unwrap(d.getInitializer()))
    .filter((init): init is ObjectLiteralExpression => !!init && Node.isObjectLiteralExpression(init));
  return literals.length === 1 ? literals[0] : undefined;
}

function unwrap(node: Node | undefined): Node | undefined {
  while (node && (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isSatisfiesExpression(node))) node = node.getExpression();
  return node;
}

function keyName(node: Node): string | undefined {
  if (Node.isIdentifier(node)) return node.getText();
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralText();
  return undefined;
}

/** The construct of `module`.`className` an expression names: the `new` itself, or a variable holding it. */
export function constructOf(source: CdkSource, expr: Expression, module: string, className: string | string[]): ConstructCall | undefined {
  const all = source.findConstructs(module, className);
  if (Node.isNewExpression(expr)) return all.find((c) => c.expression === expr);
  const name = expr.getText().replace(/[\s!]/g, '');
  return all.find((c) => c.variableName === name || c.variableName === `this.${name}`);
}

// ---- code ------------------------------------------------------------------------------------------

/** The code of a function: inline text, or its entry file relative to this file (or a folder above). */
function codeOf(source: CdkSource, call: ConstructCall, read: (path: string) => string | undefined): CodeReading | string {
  const isNodejs = call.className === 'NodejsFunction';
  const runtimeText = propOf(call, 'runtime')?.getText() ?? '';
  const language: Language | undefined = isNodejs ? 'js' : languageOf(/PYTHON/i.test(runtimeText) ? 'python' : /NODEJS/i.test(runtimeText) ? 'nodejs' : undefined);
  if (!language) return 'its runtime is not one stackfix reads (Node.js and Python are)';
  const name = call.variableName ?? call.id ?? 'function';
  if (isNodejs) {
    const entry = propOf(call, 'entry');
    const path = entry ? literalPath(entry) : `${source.file.getBaseNameWithoutExtension()}.${call.id}.ts`;
    if (!path) return 'its entry is not a path stackfix can read';
    return readAbove([path], read) ?? `its entry ${path} is not in the project`;
  }
  const code = propOf(call, 'code');
  const inline = code && (isCall(code, /fromInline$/) || isNew(code, /InlineCode$/)) ? code.getArguments()[0] : undefined;
  if (inline) {
    return Node.isStringLiteral(inline) || Node.isNoSubstitutionTemplateLiteral(inline) ? readInlineCode(`${name} inline code`, inline.getLiteralText(), language) : 'its inline code is not a literal';
  }
  // `Code.fromAsset('lambda')`, or the older `new AssetCode('lambda')`.
  const asset = code && (isCall(code, /fromAsset$/) || isNew(code, /AssetCode$/)) ? code.getArguments()[0] : undefined;
  const folder = asset ? literalPath(asset as Expression) : undefined;
  const handler = propOf(call, 'handler');
  if (!folder || !handler || !Node.isStringLiteral(handler)) return 'its code is not a local asset with a literal handler';
  return readAbove(entryFiles(undefined, folder, handler.getLiteralText(), language), read) ?? `its handler file is not in the project (under ${folder})`;
}

function isCall(node: Node, callee: RegExp): node is CallExpression {
  return Node.isCallExpression(node) && callee.test(node.getExpression().getText());
}

function isNew(node: Node, callee: RegExp): node is NewExpression {
  return Node.isNewExpression(node) && callee.test(node.getExpression().getText());
}

/** CDK resolves asset paths from the app's folder: try this file's folder, then the folders above it. */
function readAbove(candidates: string[], read: (path: string) => string | undefined): CodeReading | undefined {
  for (const up of ['', '..', '../..']) {
    const found = readCodeFile(candidates.map((c) => joinPath(up, c)), dirname(joinPath(up, candidates[0]!)), read);
    if (found) return found;
  }
  return undefined;
}

/** `'lambda'`, `path.join(__dirname, '../lambda')`, `join(__dirname, 'lambdas', 'get-one.ts')` → a relative path. */
function literalPath(expr: Expression): string | undefined {
  if (Node.isStringLiteral(expr) || Node.isNoSubstitutionTemplateLiteral(expr)) return expr.getLiteralText();
  if (Node.isCallExpression(expr) && /(^|\.)(join|resolve)$/.test(expr.getExpression().getText())) {
    const [first, ...rest] = expr.getArguments();
    if (first?.getText() !== '__dirname' || !rest.every((a) => Node.isStringLiteral(a))) return undefined;
    return joinPath('', rest.map((a) => (a as Node & { getLiteralText(): string }).getLiteralText()).join('/'));
  }
  return undefined;
}
