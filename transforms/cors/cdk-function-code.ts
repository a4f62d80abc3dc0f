/**
 * Function code that sets `Access-Control-Allow-Origin: *` itself, in a CDK app: inline
 * (`Code.fromInline`) or in the handler file of `Code.fromAsset(dir)` / `new AssetCode(dir)`, and the
 * `entry` of a `NodejsFunction`. Reported with the file and line; code is not rewritten.
 */
import path from 'node:path';
import { Node, type Expression } from 'ts-morph';
import type { CdkSource, ConstructCall } from '../../src/document/cdk/index.js';
import type { CdkFindingInput, ProjectFiles } from '../../src/transform.js';
import { handlerFile, starHeaderLines } from './function-code.js';

export function cdkFunctionCodeFindings(source: CdkSource, files: ProjectFiles, origins: string[]): CdkFindingInput[] {
  const located: Array<{ call: ConstructCall; inline?: string; file?: string }> = [
    ...source.findConstructs('aws-lambda', ['Function', 'SingletonFunction']).map((call) => ({ call, ...functionCode(source, files, call) })),
    ...source.findConstructs('aws-lambda-nodejs', 'NodejsFunction').map((call) => ({ call, file: entryFile(files, call.getProp('entry')) })),
  ];
  return located.flatMap(({ call, inline, file }): CdkFindingInput[] => {
    const text = inline ?? (file !== undefined ? files.read(file) : undefined);
    const lines = text === undefined ? [] : starHeaderLines(text);
    if (lines.length === 0) return [];
    const where = inline !== undefined ? `inline code, line ${lines.join(', ')}` : lines.map((line) => `${file}:${line}`).join(', ');
    return [
      {
        node: call.expression,
        constructPath: call.constructPath,
        messageId: 'starOriginInCode',
        message: `${call.className} ${call.constructPath}: its code sets Access-Control-Allow-Origin to '*' (${where}).`,
        manual: `function code is not rewritten: return the request's Origin only when it is one of ${origins.join(', ')}, with Vary: Origin`,
      },
    ];
  });
}

/** Inline code, or the handler file under the asset folder (relative to this file's folder). */
function functionCode(source: CdkSource, files: ProjectFiles, call: ConstructCall): { inline?: string; file?: string } {
  const code = call.getProp('code');
  const handler = call.getProp('handler');
  if (!code) return {};
  const isCode = (method: string) => Node.isCallExpression(code) && isCdk(source, code.getExpression(), ['Code', method]);
  const argument = Node.isCallExpression(code) || Node.isNewExpression(code) ? code.getArguments()[0] : undefined;
  if (isCode('fromInline') && argument && (Node.isStringLiteral(argument) || Node.isNoSubstitutionTemplateLiteral(argument))) return { inline: argument.getLiteralValue() };
  const isAsset = isCode('fromAsset') || (Node.isNewExpression(code) && isCdk(source, code.getExpression(), ['AssetCode']));
  if (!isAsset || !handler || !Node.isStringLiteral(handler)) return {};
  const runtime = call.getProp('runtime');
  const member = runtime && source.resolveReference(runtime)?.path;
  // `Runtime.NODEJS_20_X` → `nodejs_20_x`: what handlerFile needs is the family prefix.
  const family = member?.[0] === 'Runtime' && member[1] ? member[1].toLowerCase() : undefined;
  for (const dir of assetFolders(argument)) {
    const file = handlerFile(files, dir, handler.getLiteralValue(), family);
    if (file) return { file };
  }
  return {};
}

function isCdk(source: CdkSource, node: Node, path: string[]): boolean {
  const reference = source.resolveReference(node);
  return reference?.module === 'aws-lambda' && reference.path.join('.') === path.join('.');
}

/**
 * Where an asset folder may be, relative to this file: `path.join(__dirname, 'a', 'b')` exactly; a
 * plain string is relative to where `cdk synth` runs, the app's root, which is this folder or one of
 * its parents (`lib/`, `lib/stacks/`).
 */
function assetFolders(argument: Node | undefined): string[] {
  if (!argument) return [];
  if (Node.isStringLiteral(argument)) {
    const dir = argument.getLiteralValue();
    return path.posix.isAbsolute(dir) ? [] : [dir, `../${dir}`, `../../${dir}`];
  }
  if (Node.isCallExpression(argument) && /^path\.(join|resolve)$/.test(argument.getExpression().getText())) {
    const [first, ...rest] = argument.getArguments();
    if (first?.getText() !== '__dirname' || !rest.every((a) => Node.isStringLiteral(a))) return [];
    return [path.posix.join('.', ...rest.map((a) => (a as unknown as { getLiteralValue(): string }).getLiteralValue()))];
  }
  return [];
}

/** A NodejsFunction's `entry`: `path.join(__dirname, …)` or a path from the app's root. */
function entryFile(files: ProjectFiles, entry: Expression | undefined): string | undefined {
  return assetFolders(entry).find((file) => files.exists(file));
}
