/**
 * The programmatic API: `fix()` runs the pipeline and returns results; it touches disk only to read,
 * and to write when `write: true`. It never exits the process and never prints.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { checkConfigShape, findConfigFile, loadConfigFile, type StackfixConfig } from './config.js';
import { toSourceText, type SourceText } from './document/source.js';
import { StackfixError, toErrorRecord, type ErrorRecord } from './errors.js';
import { discover, rel } from './pipeline/discover.js';
import { isInside } from './pipeline/project-files.js';
import { prepareTransforms } from './pipeline/prepare.js';
import { summarize, type FileResult, type RunResult } from './pipeline/result.js';
import { CDK_EXTENSIONS, runFile } from './pipeline/run-file.js';
import { writeResults } from './pipeline/write.js';
import type { Transform } from './transform.js';

export interface FixOptions extends StackfixConfig {
  /** The project root: nothing outside it is read or written. Default: the current directory. */
  root?: string;
  /** Files and folders to fix, relative to the root. Default: the root. */
  paths?: string[];
  /** A config file; default: `stackfix.config.yml` in the root when present; `false`: none. Options given here win over it. */
  configFile?: string | false;
  /** Write the patched files (atomically). Default false: results only. */
  write?: boolean;
  /** Transform objects to run besides the built-ins (plugins, programmatically). */
  extraTransforms?: Transform[];
  /**
   * Type-check every patched CDK file with its project's tsconfig.json and refuse patches that add a
   * diagnostic (costs what `tsc --noEmit` costs). Templates are always checked against the resource
   * specification.
   */
  verify?: boolean;
  /** Called after each file (or CDK app batch) is processed. */
  onProgress?: (done: number, total: number, file: string) => void;
}

export async function fix(options: FixOptions = {}): Promise<RunResult> {
  const root = realpathSync(options.root ?? process.cwd());
  const config = loadConfig(root, options);
  const transforms = await prepareTransforms(config);
  const found = discover(root, options.paths && options.paths.length > 0 ? options.paths : ['.']);
  const errors: ErrorRecord[] = [...found.errors];
  const files: FileResult[] = [];

  const templates: SourceText[] = [];
  const cdkSources: SourceText[] = [];
  for (const absolute of found.files) {
    const relative = rel(root, absolute);
    const source = readSource(absolute, relative, errors);
    if (!source) continue;
    (CDK_EXTENSIONS.some((ext) => relative.endsWith(ext)) ? cdkSources : templates).push(source);
  }

  const total = templates.length + cdkSources.length;
  let done = 0;
  const env = { root, allowDuplicateKeys: config.allowDuplicateKeys };
  for (const source of templates) {
    files.push(...(await runFile([source], transforms, env)));
    options.onProgress?.(++done, total, source.path);
  }
  if (cdkSources.length > 0) {
    files.push(...(await runFile(cdkSources, transforms, env)));
    done += cdkSources.length;
    options.onProgress?.(done, total, cdkSources[cdkSources.length - 1]!.path);
  }

  if (options.verify && files.some((file) => file.kind === 'cdk' && file.changed)) {
    // The type-check brings ts-morph and the project's types: loaded only when a patched CDK file needs it.
    const { verifyCdkResults } = await import('./verify/cdk-compile.js');
    verifyCdkResults(root, files);
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (options.write) writeResults(root, files);
  return { root, files, errors, summary: summarize(files, errors) };
}

/**
 * The transforms a run with these options uses: built-ins and plugins (from the options and the config
 * file), after only/skip. For reports that describe every transform that ran, such as SARIF's rules.
 */
export async function transformsFor(options: FixOptions = {}): Promise<Transform[]> {
  const root = realpathSync(options.root ?? process.cwd());
  return (await prepareTransforms(loadConfig(root, options))).map((prepared) => prepared.transform);
}

function loadConfig(root: string, options: FixOptions): StackfixConfig & { configFile?: string; extraTransforms?: Transform[] } {
  const configFile = options.configFile === false ? undefined : options.configFile ?? findNearestConfig(root, options.paths?.[0]);
  const fromFile = configFile ? loadConfigFile(configFile) : {};
  const given = checkConfigShape(
    Object.fromEntries(
      Object.entries({ only: options.only, skip: options.skip, allowDuplicateKeys: options.allowDuplicateKeys, transforms: options.transforms, plugins: options.plugins }).filter(
        ([, v]) => v !== undefined,
      ),
    ),
  );
  const transforms = { ...fromFile.transforms };
  for (const [id, opts] of Object.entries(given.transforms ?? {})) transforms[id] = { ...transforms[id], ...opts };
  return {
    ...fromFile,
    ...given,
    transforms,
    plugins: [...(fromFile.plugins ?? []), ...(given.plugins ?? [])],
    configFile,
    extraTransforms: options.extraTransforms,
  };
}

/** Like ESLint's lookup: from the first given path up to the root, the nearest config file wins. */
function findNearestConfig(root: string, firstPath: string | undefined): string | undefined {
  let dir = path.resolve(root, firstPath ?? '.');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) dir = path.dirname(dir);
  for (; isInside(root, dir); dir = path.dirname(dir)) {
    const found = findConfigFile(dir);
    if (found) return found;
    if (dir === root) break;
  }
  return undefined;
}

/**
 * Files above this size are not read: CloudFormation takes templates of at most 1 MB, and parsing takes
 * about 100 times a file's size in memory (a 20 MB template: about 2 GB), so a huge data file named
 * `.json` would exhaust the memory of the whole run.
 */
export const MAX_SOURCE_BYTES = 32 * 1024 * 1024;

function readSource(absolute: string, file: string, errors: ErrorRecord[]): SourceText | undefined {
  let buffer: Buffer;
  try {
    const size = statSync(absolute).size;
    if (size > MAX_SOURCE_BYTES) {
      errors.push(toErrorRecord(new StackfixError('input', `too large to read: ${size} bytes, more than ${MAX_SOURCE_BYTES} (CloudFormation takes templates of at most 1 MB)`, { file })));
      return undefined;
    }
    buffer = readFileSync(absolute);
  } catch (error) {
    errors.push(toErrorRecord(new StackfixError('input', `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file })));
    return undefined;
  }
  if (buffer.includes(0)) {
    errors.push(toErrorRecord(new StackfixError('input', 'binary file (contains NUL bytes); not a template', { file })));
    return undefined;
  }
  const text = buffer.toString('utf8');
  if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(buffer)) {
    errors.push(toErrorRecord(new StackfixError('input', 'not valid UTF-8', { file })));
    return undefined;
  }
  return toSourceText(file, text);
}
