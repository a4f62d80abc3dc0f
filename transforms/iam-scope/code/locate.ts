/**
 * Finds and reads a function's code: inline (`Code.ZipFile`, SAM `InlineCode`, in `Fn::Sub` or
 * `Fn::Join` form too), or the handler's file in the folder `Code`/`CodeUri` points to.
 */
import type { Json } from '../../../src/document/cfn/index.js';
import { BoundedCache } from '../../../src/bounded-cache.js';
import { isPlainObject } from '../../../src/document/cfn/index.js';
import type { LambdaFunction } from '../template.js';
import { joinPath, readJsCode } from './js.js';
import { readPythonCode } from './python.js';
import type { CodeReading, ReadFile } from './types.js';

export type CodeResult =
  | { ok: true; reading: CodeReading; /** Values the template substitutes into inline code (`${Table}`), by marker index. */ subs: Json[] }
  | { ok: false; reason: string };

export type Language = 'js' | 'python';

export function readFunctionCode(fn: LambdaFunction, read: ReadFile): CodeResult {
  const props = fn.props;
  if (props.PackageType === 'Image') return { ok: false, reason: 'it is a container image, whose code stackfix does not read' };
  const runtime = typeof props.Runtime === 'string' ? props.Runtime : undefined;
  const language = languageOf(runtime);
  if (runtime && !language) return { ok: false, reason: `its runtime ${runtime} is not one stackfix reads (Node.js and Python are)` };
  const handler = typeof props.Handler === 'string' ? props.Handler : undefined;
  const inline = fn.type === 'AWS::Serverless::Function' ? props.InlineCode : isPlainObject(props.Code) ? props.Code.ZipFile : undefined;
  if (inline !== undefined) {
    const text = inlineText(inline);
    if (!text) return { ok: false, reason: 'its inline code is built by an intrinsic function stackfix does not read' };
    if (!language) return { ok: false, reason: 'its runtime is not given' };
    return { ok: true, reading: readInlineCode(`${fn.logicalId} inline code`, text.code, language), subs: text.subs };
  }
  const folder = codeFolder(fn);
  if (folder === undefined) return { ok: false, reason: 'its code is not in the project (an S3 location, an image, or a value stackfix does not evaluate)' };
  if (!handler) return { ok: false, reason: 'its Handler is not a literal' };
  const files = entryFiles(fn.metadata, folder, handler, language);
  const found = readCodeFile(files, folder, read);
  return found ? { ok: true, reading: found, subs: [] } : { ok: false, reason: `its handler file is not in the project (looked for ${files.join(', ')})` };
}

/**
 * The last readings of inline code, by name, language and text: every fix pass reads each function's
 * code again, and the code of a function no fix touched is the same text. Bounded, so that a run over
 * thousands of templates does not keep them all.
 */
const inlineReadings = new BoundedCache<string, CodeReading>(256);

export function readInlineCode(name: string, code: string, language: Language): CodeReading {
  const key = `${language}\u0000${name}\u0000${code}`;
  const known = inlineReadings.get(key);
  if (known) return known;
  const reading = readInlineCodeNow(name, code, language);
  inlineReadings.set(key, reading);
  return reading;
}

function readInlineCodeNow(name: string, code: string, language: Language): CodeReading {
  const reading: CodeReading = { calls: [], opaque: [], files: [] };
  if (language === 'js') readJsCode(name, code, () => undefined, reading);
  else readPythonCode(name, code, () => undefined, reading, '');
  return reading;
}

/**
 * Readings of code files, kept with the text of every file they depend on (the candidates looked at and
 * the files read): every fix pass reads each function's code again, and a reading is reused only when
 * all those texts are still the same. Bounded.
 */
const fileReadings = new BoundedCache<string, { reading: CodeReading; texts: Array<[string, string | undefined]> }>(256);

/** The first of the candidate entry files that exists, read with what it imports. */
export function readCodeFile(candidates: string[], root: string, read: ReadFile): CodeReading | undefined {
  const key = `${root}\u0000${candidates.join('\u0000')}`;
  const known = fileReadings.get(key);
  if (known && known.texts.every(([file, text]) => read(file) === text)) return known.reading;
  const texts = new Map<string, string | undefined>();
  const recording: ReadFile = (file) => {
    const text = read(file);
    if (!texts.has(file)) texts.set(file, text);
    return text;
  };
  const reading = readCodeFileNow(candidates, root, recording);
  if (reading) fileReadings.set(key, { reading, texts: [...texts] });
  return reading;
}

function readCodeFileNow(candidates: string[], root: string, read: ReadFile): CodeReading | undefined {
  for (const file of candidates) {
    const text = read(file);
    if (text === undefined) continue;
    const reading: CodeReading = { calls: [], opaque: [], files: [] };
    if (file.endsWith('.py')) readPythonCode(file, text, read, reading, root);
    else readJsCode(file, text, read, reading);
    return reading;
  }
  return undefined;
}

export function languageOf(runtime: string | undefined): Language | undefined {
  if (runtime?.startsWith('nodejs')) return 'js';
  if (runtime?.startsWith('python')) return 'python';
  return undefined;
}

/** The local folder (or file) `CodeUri` / `Code` names, relative to the template. */
function codeFolder(fn: LambdaFunction): string | undefined {
  const value = fn.type === 'AWS::Serverless::Function' ? fn.props.CodeUri : fn.props.Code;
  if (value === undefined && fn.type === 'AWS::Serverless::Function') return '.';
  if (typeof value !== 'string' || /^s3:\/\//.test(value) || /\.(zip|jar)$/i.test(value)) return undefined;
  return value;
}

/** `app.handler` in `src/` → `src/app.js|.mjs|.cjs|.ts|.py`; an esbuild entry point when SAM builds it. */
export function entryFiles(metadata: Json | undefined, folder: string, handler: string, language: Language | undefined): string[] {
  const lastDot = handler.lastIndexOf('.');
  const modulePath = lastDot === -1 ? handler : handler.slice(0, lastDot);
  const files: string[] = [];
  const entryPoints = isPlainObject(metadata) && isPlainObject(metadata.BuildProperties) ? metadata.BuildProperties.EntryPoints : undefined;
  if (Array.isArray(entryPoints)) for (const e of entryPoints) if (typeof e === 'string') files.push(joinPath(folder, e));
  if (language !== 'python') {
    const stem = joinPath(folder, modulePath);
    files.push(...['.js', '.mjs', '.cjs', '.ts', '.mts'].map((ext) => stem + ext));
  }
  if (language !== 'js') files.push(joinPath(folder, modulePath.replace(/\./g, '/')) + '.py');
  return files;
}

/** Inline code as text; `${X}` placeholders of `Fn::Sub` / intrinsic parts of `Fn::Join` become markers. */
function inlineText(value: Json): { code: string; subs: Json[] } | undefined {
  if (typeof value === 'string') return { code: value, subs: [] };
  if (!isPlainObject(value)) return undefined;
  const subs: Json[] = [];
  const marker = (v: Json) => `__stackfix_sub_${subs.push(v) - 1}__`;
  const sub = value['Fn::Sub'];
  if (sub !== undefined) {
    const [text, vars] = Array.isArray(sub) ? [sub[0], sub[1]] : [sub, undefined];
    if (typeof text !== 'string') return undefined;
    const code = text.replace(/\$\{(!?)([^}]*)\}/g, (_, bang: string, name: string) => {
      if (bang) return '${' + name + '}';
      if (isPlainObject(vars) && vars[name] !== undefined) return marker(vars[name]!);
      const [id, ...attr] = name.split('.');
      return marker(attr.length > 0 ? { 'Fn::GetAtt': [id!, attr.join('.')] } : { Ref: name });
    });
    return { code, subs };
  }
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map((p) => (typeof p === 'string' ? p : marker(p)));
    return { code: parts.join(join[0]), subs };
  }
  return undefined;
}
