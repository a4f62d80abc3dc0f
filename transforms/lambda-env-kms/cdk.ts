/**
 * CDK: a function with `environment` and no `environmentEncryption` gets a customer managed key: the
 * one `kms.Key` already in scope before it, or a new one declared just before the first function of
 * its block (`enableKeyRotation: true`), and `key.grantDecrypt(fn)` after it (CDK does not grant it).
 */
import { Node, SyntaxKind, type Statement } from 'ts-morph';
import type { CdkSource, ConstructCall } from '../../src/document/cdk/index.js';
import type { CdkFindingInput, CdkHalf } from '../../src/transform.js';
import type { LambdaEnvKmsOptions } from './meta.js';

const FUNCTIONS: Array<[module: string, classes: string[]]> = [
  ['aws-lambda', ['Function', 'SingletonFunction']],
  ['aws-lambda-nodejs', ['NodejsFunction']],
];

/** A key the functions of one block share: an existing variable, or one a fix declares. */
interface BlockKey {
  variable: string;
  /** Set when the key must be created: the id expression of the new `kms.Key`. */
  createWithId?: string;
  /** The function whose fix declares the new key; the others check it is there. */
  declaredBy?: ConstructCall;
}

export const cdk: CdkHalf<LambdaEnvKmsOptions> = {
  detect(source, ctx) {
    const keys = source.findConstructs('aws-kms', 'Key');
    const byBlock = new Map<Node, BlockKey>();
    // Every identifier of the file, read only when a new key needs a name (it wraps every one of them).
    let takenNames: Set<string> | undefined;
    const taken = () => (takenNames ??= new Set(source.file.getDescendantsOfKind(SyntaxKind.Identifier).map((i) => i.getText())));
    const findings: CdkFindingInput[] = [];
    for (const fn of FUNCTIONS.flatMap(([module, classes]) => source.findConstructs(module, classes))) {
      const where = { node: fn.expression, constructPath: fn.constructPath };
      const problem = `${fn.constructPath} has environment variables and no customer managed KMS key (environmentEncryption)`;
      if (fn.propsAreOpaque()) {
        findings.push({ ...where, messageId: 'envKeyManual', message: `${fn.constructPath}: its props are not a plain object literal.`, manual: 'stackfix cannot tell whether it has environment variables or a key: check by hand.' });
        continue;
      }
      if (!hasEnvironment(fn) || fn.getProp('environmentEncryption')) continue;
      const statement = statementOf(fn.expression);
      if (!fn.variableName || !statement) {
        findings.push({ ...where, messageId: 'envKeyManual', message: `${problem}.`, manual: 'Not encrypted: the function is not assigned to a variable in a statement, so its role cannot be granted kms:Decrypt on a key.' });
        continue;
      }
      const block = statement.getParentOrThrow();
      let key = byBlock.get(block);
      if (!key) {
        key = keyFor(fn, statement, keys, ctx.options, taken);
        byBlock.set(block, key);
      }
      findings.push(encryptFinding(source, fn, key, problem));
    }
    return findings;
  },
};

function hasEnvironment(fn: ConstructCall): boolean {
  const environment = fn.getProp('environment');
  if (!environment) return false;
  return !Node.isObjectLiteralExpression(environment) || environment.getProperties().length > 0;
}

/** The one key declared before the function in a block around it, else a new one for this block. */
function keyFor(fn: ConstructCall, statement: Statement, keys: ConstructCall[], options: LambdaEnvKmsOptions, takenNames: () => Set<string>): BlockKey {
  const visible = keys.filter((k) => {
    const keyStatement = k.variableName ? statementOf(k.expression) : undefined;
    return keyStatement && keyStatement.getStart() < statement.getStart() && keyStatement.getParentOrThrow().getPos() <= statement.getPos() && statement.getEnd() <= keyStatement.getParentOrThrow().getEnd();
  });
  if (visible.length === 1) return { variable: visible[0]!.variableName! };
  const taken = takenNames();
  let variable = lowerFirst(options.keyLogicalId);
  for (let n = 2; taken.has(variable); n++) variable = `${lowerFirst(options.keyLogicalId)}${n}`;
  taken.add(variable);
  return { variable, createWithId: keyIdText(fn, options.keyLogicalId), declaredBy: fn };
}

/**
 * The new key's construct id: the option's id when the function's own id is a literal; derived from
 * the function's id otherwise (a loop creates one function per item, and needs one key id per item).
 */
function keyIdText(fn: ConstructCall, keyLogicalId: string): string {
  const idArg = fn.expression.getArguments()[1];
  if (!idArg || Node.isStringLiteral(idArg) || Node.isNoSubstitutionTemplateLiteral(idArg)) return `'${keyLogicalId}'`;
  if (Node.isTemplateExpression(idArg)) return `${idArg.getText().slice(0, -1)}-EnvKey\``;
  return `\`\${${idArg.getText()}}-EnvKey\``;
}

function encryptFinding(source: CdkSource, fn: ConstructCall, key: BlockKey, problem: string): CdkFindingInput {
  const created = key.createWithId !== undefined;
  return {
    node: fn.expression,
    constructPath: fn.constructPath,
    messageId: 'envKeyAdded',
    message: `${problem}: it now uses ${created ? `a new key ${key.variable} (rotation on)` : `the key ${key.variable} already in scope`}, and ${key.variable}.grantDecrypt(${fn.variableName}) lets its role decrypt with it.`,
    fix: () => {
      // Read afresh: an earlier fix in this file may have rewritten the nodes seen at detection.
      const statement = statementOf(fn.expression);
      if (!statement) throw new Error(`${fn.constructPath} is no longer in a statement`);
      const kmsKey = source.ensureImport('aws-kms', 'Key');
      if (key.declaredBy === fn) declareKey(source, fn, statement, key, kmsKey);
      else if (created && !declares(statement.getParentOrThrow(), key.variable)) throw new Error(`the key ${key.variable} this function shares was not declared`);
      fn.setProp('environmentEncryption', key.variable);
      if (!source.file.getFullText().includes(`${key.variable}.grantDecrypt(${fn.variableName})`)) {
        source.insertStatementsAfter(fn, [`${key.variable}.grantDecrypt(${fn.variableName});`]);
      }
    },
  };
}

/** `const lambdaEnvKey = new kms.Key(scope, 'LambdaEnvKey', { enableKeyRotation: true });` before the function's statement. */
function declareKey(source: CdkSource, fn: ConstructCall, statement: Statement, key: BlockKey, kmsKey: string): void {
  const scope = fn.expression.getArguments()[0]?.getText() ?? 'this';
  const quote = source.style.quote;
  const id = key.createWithId!.replace(/^'(.*)'$/, `${quote}$1${quote}`);
  const semicolon = source.style.semicolons ? ';' : '';
  const text = source.file.getFullText();
  const indent = /[ \t]*$/.exec(text.slice(0, statement.getStart()))![0];
  const declaration = `${indent}const ${key.variable} = new ${kmsKey}(${scope}, ${id}, { enableKeyRotation: true })${semicolon}`;
  // Inserted as a child of the statement list, as the source's own insertStatementsAfter does, so
  // existing nodes stay valid; above the comments that introduce the function, after a blank line.
  const list = statement.getParentSyntaxListOrThrow();
  const children = list.getChildren();
  let index = children.indexOf(statement);
  while (index > 0 && Node.isCommentNode(children[index - 1]!)) index--;
  source.applyStyle();
  list.insertChildText(index, (writer) => {
    writer.queueIndentationLevel(0);
    writer.setIndentationLevel(0);
    writer.write((index > 0 ? source.style.eol : '') + declaration);
  });
}

function declares(block: Node, variable: string): boolean {
  return block.getDescendantsOfKind(SyntaxKind.VariableDeclaration).some((d) => d.getName() === variable);
}

/** The statement of a block (or the file) that holds the construct, or undefined. */
function statementOf(node: Node): Statement | undefined {
  for (let current: Node | undefined = node; current && !Node.isSourceFile(current); current = current.getParent()) {
    const parent = current.getParent();
    if (Node.isStatement(current) && parent && (Node.isBlock(parent) || Node.isSourceFile(parent))) return current;
    if (Node.isArrowFunction(parent) && parent.getBody() === current) return undefined;
  }
  return undefined;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
