/**
 * A Lambda proxy integration returns its own CORS headers, so `Access-Control-Allow-Origin: *` may
 * live in function code: inline (`Code.ZipFile`, SAM `InlineCode`) or in the handler file that
 * `CodeUri`/`Code` and `Handler` name. stackfix reports each line with the file; it does not rewrite
 * code, whose logic (echoing an allowed Origin, adding `Vary`) a reviewer has to own.
 */
import path from 'node:path';
import type { Json, Template } from '../../src/document/cfn/index.js';
import type { CfnFindingInput, ProjectFiles } from '../../src/transform.js';
import { isPlainObject, pointer, resourcesOfType, samGlobals } from '../_shared/cfn.js';

/** `'Access-Control-Allow-Origin': '*'`, `headers["Access-Control-Allow-Origin"] = "*"`, `setHeader('Access-Control-Allow-Origin', '*')`. */
const STAR_HEADER_IN_CODE = /access-control-allow-origin['"`\]]*\s*[:=,]\s*['"`]\*['"`]/i;

/** Handler file extensions by runtime family, most likely first (TypeScript: built by esbuild from source). */
const EXTENSIONS: Record<string, string[]> = {
  nodejs: ['.js', '.mjs', '.cjs', '.ts'],
  python: ['.py'],
  ruby: ['.rb'],
};

interface FunctionCode {
  logicalId: string;
  /** Pointer of the property that holds the code or names it. */
  pointer: string;
  inline?: string;
  /** The handler file, relative to the template's folder. */
  file?: string;
}

export function functionCodeFindings(template: Template, files: ProjectFiles, origins: string[]): CfnFindingInput[] {
  return functionCode(template, files).flatMap((code): CfnFindingInput[] => {
    const text = code.inline ?? (code.file !== undefined ? files.read(code.file) : undefined);
    const lines = text === undefined ? [] : starHeaderLines(text);
    if (lines.length === 0) return [];
    const where = code.inline !== undefined ? `inline code, line ${lines.join(', ')}` : lines.map((line) => `${code.file}:${line}`).join(', ');
    return [
      {
        pointer: code.pointer,
        logicalId: code.logicalId,
        messageId: 'starOriginInCode',
        message: `${code.logicalId}: its code sets Access-Control-Allow-Origin to '*' (${where}).`,
        manual: `function code is not rewritten: return the request's Origin only when it is one of ${origins.join(', ')}, with Vary: Origin`,
      },
    ];
  });
}

/** 1-based numbers of the lines that set the header to `*`. */
export function starHeaderLines(text: string): number[] {
  if (!/access-control-allow-origin/i.test(text)) return []; // most code never names it: no need to split it into lines
  return text.split(/\r?\n/).flatMap((line, i) => (STAR_HEADER_IN_CODE.test(line) ? [i + 1] : []));
}

function functionCode(template: Template, files: ProjectFiles): FunctionCode[] {
  const out: FunctionCode[] = [];
  for (const fn of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const code = fn.properties.Code;
    const at = pointer('Resources', fn.logicalId, 'Properties', 'Code');
    if (isPlainObject(code) && typeof code.ZipFile === 'string') out.push({ logicalId: fn.logicalId, pointer: pointer('Resources', fn.logicalId, 'Properties', 'Code', 'ZipFile'), inline: code.ZipFile });
    // A string Code is a local path that `aws cloudformation package` uploads.
    else if (typeof code === 'string') out.push({ logicalId: fn.logicalId, pointer: at, file: handlerFile(files, code, fn.properties.Handler, fn.properties.Runtime) });
  }
  const globals = samGlobals(template, 'Function');
  for (const fn of resourcesOfType(template, 'AWS::Serverless::Function')) {
    const props = { ...globals, ...fn.properties };
    const at = (key: string) => pointer('Resources', fn.logicalId, 'Properties', key);
    if (typeof props.InlineCode === 'string') out.push({ logicalId: fn.logicalId, pointer: at('InlineCode'), inline: props.InlineCode });
    else if (typeof props.CodeUri === 'string') out.push({ logicalId: fn.logicalId, pointer: at(fn.properties.CodeUri !== undefined ? 'CodeUri' : 'Handler'), file: handlerFile(files, props.CodeUri, props.Handler, props.Runtime) });
  }
  return out.filter((code) => code.inline !== undefined || code.file !== undefined);
}

/** `src/` + `app.handler` (nodejs) → `src/app.js` if it exists; Python's `pkg.module.handler` → `pkg/module.py`. */
export function handlerFile(files: ProjectFiles, codeUri: string, handler: Json | undefined, runtime: Json | undefined): string | undefined {
  if (typeof handler !== 'string' || !handler.includes('.') || /^s3:\/\//.test(codeUri)) return undefined;
  const family = typeof runtime === 'string' ? Object.keys(EXTENSIONS).find((name) => runtime.startsWith(name)) : undefined;
  if (typeof runtime === 'string' && family === undefined) return undefined; // compiled runtimes: no source to read
  let module = handler.slice(0, handler.lastIndexOf('.'));
  if (family === 'python') module = module.replace(/\./g, '/');
  const candidates = (family ? EXTENSIONS[family]! : Object.values(EXTENSIONS).flat()).map((ext) => path.posix.join(codeUri, module + ext));
  return candidates.find((file) => files.exists(file));
}
