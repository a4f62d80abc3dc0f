/**
 * CDK: `code: lambda.Code.fromInline('…')` (or `new lambda.InlineCode('…')`) of a `lambda.Function`
 * → `code: lambda.Code.fromAsset(path.join(__dirname, '<directory>/<id>'))`, the code written there.
 * CDK puts inline code in `Code.ZipFile`, so the same rules hold as for templates: `index.<ext>`,
 * `cfn-response` vendored. Code built at synth time (an interpolated template, `fs.readFileSync`) is
 * reported: its text is not in the source.
 */
import path from 'node:path';
import { Node, type Expression } from 'ts-morph';
import type { CdkSource, ConstructCall } from '../../src/document/cdk/index.js';
import type { CdkFindingInput, CdkHalf } from '../../src/transform.js';
import { LIMITS } from './cfn.js';
import { extractCode } from './extract.js';
import type { InlineCodeOptions } from './meta.js';
import { handlerModule, type Language } from './runtime.js';

const FUNCTION_CLASSES = ['Function', 'SingletonFunction'];

export const cdk: CdkHalf<InlineCodeOptions> = {
  detect(source, ctx) {
    const functions = source.findConstructs('aws-lambda', FUNCTION_CLASSES);
    const findings: CdkFindingInput[] = [];
    for (const inline of inlineCodeExpressions(source)) {
      const fn = functions.find((f) => sameNode(f.getProp('code'), inline));
      const finding = fn ? functionFinding(source, fn, inline, ctx.options) : notAProp(inline);
      if (finding) findings.push(finding);
    }
    return findings;
  },
};

/** `Code.fromInline(…)`, `InlineCode.fromInline(…)` and `new InlineCode(…)` of aws-lambda. */
function inlineCodeExpressions(source: CdkSource): Expression[] {
  return [
    ...source.findStaticCalls('aws-lambda', 'Code', 'fromInline'),
    ...source.findStaticCalls('aws-lambda', 'InlineCode', 'fromInline'),
    ...source.findConstructs('aws-lambda', 'InlineCode').map((c) => c.expression),
  ];
}

function notAProp(inline: Expression): CdkFindingInput {
  return {
    node: inline,
    messageId: 'inlineCodeManual',
    message: `Inline Lambda code. ${LIMITS}`,
    manual: 'Not moved to a file: it is not written directly as the code of a lambda.Function, so stackfix cannot tell its runtime and handler.',
  };
}

function functionFinding(source: CdkSource, fn: ConstructCall, inline: Expression, options: InlineCodeOptions): CdkFindingInput | undefined {
  const where = { node: inline, constructPath: fn.constructPath };
  const manual = (reason: string): CdkFindingInput => ({ ...where, messageId: 'inlineCodeManual', message: `${fn.constructPath} carries its code inline. ${LIMITS}`, manual: `Not moved to a file: ${reason}.` });
  const code = literalCode(inline);
  if (typeof code !== 'string') return manual(code.reason);
  const bytes = Buffer.byteLength(code);
  if (bytes < options.minBytes) return undefined;
  const language = runtimeLanguage(source, fn.getProp('runtime'));
  if (typeof language !== 'string') return manual(language.reason);
  const handler = fn.getProp('handler');
  // A handler that is not a literal must still name index at synth time: pass it as unknown (null).
  const module = handlerModule(handler === undefined ? undefined : Node.isStringLiteral(handler) ? handler.getLiteralValue() : null);
  if (typeof module !== 'string') return manual(module.reason);
  const name = fn.id ?? fn.variableName?.replace(/^this\./, '');
  if (!name) return manual('its construct id is not a literal, so there is no stable folder name for it');
  if (source.file.getFullText().includes('import.meta')) return manual('the file is an ES module, where __dirname (used to locate the folder) does not exist');
  const folder = path.posix.join(options.directory, name.replace(/[^A-Za-z0-9_-]/g, '_'));
  const extracted = extractCode({ segments: [{ text: code }], language, folder, existingEnv: {} });
  if ('reason' in extracted) return manual(extracted.reason);
  const quote = source.style.quote;
  return {
    ...where,
    messageId: 'inlineCodeExtracted',
    message: [
      `Inline code of ${fn.constructPath} (${bytes} bytes) goes to ${extracted.codeFile}, and its code is now Code.fromAsset of that folder.`,
      ...extracted.notes,
      LIMITS,
    ].join(' '),
    files: extracted.files,
    fix: () => {
      const lambdaCode = source.ensureImport('aws-lambda', 'Code');
      const pathModule = source.ensureNodeImport('path');
      fn.setProp('code', `${lambdaCode}.fromAsset(${pathModule}.join(__dirname, ${quote}${folder}${quote}))`);
    },
  };
}

/** The code text when the source spells it out; why not otherwise. */
function literalCode(inline: Expression): string | { reason: string } {
  const args = Node.isCallExpression(inline) || Node.isNewExpression(inline) ? inline.getArguments() : [];
  const arg = args[0];
  const text = arg && staticString(arg);
  if (text !== undefined) return text;
  if (arg && Node.isTemplateExpression(arg)) return { reason: 'the code interpolates values at synth time (${…}); move them to environment variables, then the code to a file' };
  if (arg && /readFileSync/.test(arg.getText())) return { reason: 'the code is already read from a file at synth time; put that file in a folder of its own as index.<ext> and use Code.fromAsset' };
  return { reason: 'the code is not a literal in the source' };
}

/** A string the source spells out: a literal, literals joined with `+`, or `[…literals].join(literal)`. */
function staticString(node: Node): string | undefined {
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  if (Node.isParenthesizedExpression(node)) return staticString(node.getExpression());
  if (Node.isBinaryExpression(node) && node.getOperatorToken().getText() === '+') {
    const [left, right] = [staticString(node.getLeft()), staticString(node.getRight())];
    return left !== undefined && right !== undefined ? left + right : undefined;
  }
  if (Node.isCallExpression(node)) {
    const callee = node.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'join') return undefined;
    const list = callee.getExpression();
    if (!Node.isArrayLiteralExpression(list)) return undefined;
    const items = list.getElements().map(staticString);
    const [separatorArg] = node.getArguments();
    const separator = separatorArg ? staticString(separatorArg) : ',';
    return separator !== undefined && items.every((i) => i !== undefined) ? items.join(separator) : undefined;
  }
  return undefined;
}

/** `lambda.Runtime.PYTHON_3_12` → python; anything else is refused with the reason. */
function runtimeLanguage(source: CdkSource, runtime: Expression | undefined): Language | { reason: string } {
  const ref = runtime && source.resolveReference(runtime);
  const member = ref?.module === 'aws-lambda' && ref.path[0] === 'Runtime' ? ref.path[1] : undefined;
  if (member?.startsWith('PYTHON')) return 'python';
  if (member?.startsWith('NODEJS')) return 'nodejs';
  return { reason: 'its runtime is not a lambda.Runtime.PYTHON_* or NODEJS_* constant, so the language of its code is unknown' };
}

function sameNode(a: Node | undefined, b: Node): boolean {
  return a !== undefined && a.getStart() === b.getStart() && a.getEnd() === b.getEnd();
}
