/**
 * Which CDK the project builds with, so that fixes only use props its version has. The installed
 * package is the truth; a declared range stands in for it (at its lowest version) when nothing is installed.
 */
import type { CdkVersion } from './types.js';

/**
 * Reads a file by path, or undefined when it is missing or refused. Paths are built by joining
 * `dir` (as given to {@link readCdkVersion}) with `package.json` or `node_modules/…/package.json`
 * using `/`; for the root `dir` `''`, they are plain relative paths such as `package.json`.
 */
export type ReadFile = (path: string) => string | undefined;

const V2 = 'aws-cdk-lib';
const V1 = '@aws-cdk/core';

/**
 * The CDK version for a source file in `dir`, looking from `dir` up to the root (`''` for a
 * root-relative `dir`, `/` for an absolute one). The nearest `package.json` that depends on
 * `aws-cdk-lib` (or `@aws-cdk/core`) says which library; the nearest installed copy of it gives
 * the exact version, else the lowest version of the declared range. Undefined when neither is found.
 */
export function readCdkVersion(dir: string, readFile: ReadFile): CdkVersion | undefined {
  const dirs = ancestors(dir);
  let declared: { library: string; range: string; path: string } | undefined;
  for (const d of dirs) {
    const path = joinPath(d, 'package.json');
    const manifest = readJson(readFile, path);
    if (!manifest) continue;
    for (const library of [V2, V1]) {
      const range = dependencyRange(manifest, library);
      if (range !== undefined) {
        declared = { library, range, path };
        break;
      }
    }
    if (declared) break;
  }
  const libraries = declared ? [declared.library] : [V2, V1];
  for (const library of libraries) {
    for (const d of dirs) {
      const path = joinPath(d, `node_modules/${library}/package.json`);
      const version = parseVersion(String(readJson(readFile, path)?.['version'] ?? ''));
      if (version) return { ...version, source: path };
    }
  }
  if (!declared) return undefined;
  const floor = rangeFloor(declared.range);
  return floor ? { ...floor, source: `${declared.path} (range ${declared.range})` } : undefined;
}

/** True when `version` is at least `major.minor`; an unknown version counts as the newest. */
export function versionAtLeast(version: CdkVersion | undefined, major: number, minor: number): boolean {
  if (!version) return true;
  return version.major !== major ? version.major > major : version.minor >= minor;
}

/**
 * The lowest version a semver range admits: `^2.100.0` → 2.100.0, `>=2.1 <3` → 2.1.0,
 * `1.x || ^2.3.0` → 1.0.0. Undefined for `*`, `latest`, tags, paths, URLs and majors other than 1 and 2.
 */
export function rangeFloor(range: string): Omit<CdkVersion, 'source'> | undefined {
  let text = range.trim();
  if (text.startsWith('npm:')) text = text.slice(text.lastIndexOf('@') + 1);
  let lowest: Omit<CdkVersion, 'source'> | undefined;
  for (const alternative of text.split('||')) {
    // `>= 2.1.0` and `2.1.0 - 2.5.0` are written with spaces; glue operators to their versions.
    const comparators = alternative.trim().replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/);
    let floor: Omit<CdkVersion, 'source'> | undefined;
    for (const comparator of comparators) {
      if (comparator === '-' || comparator.startsWith('<')) continue;
      const version = parseVersion(comparator.replace(/^(>=|>|=|\^|~|v)+/, ''));
      if (version && (!floor || compare(version, floor) > 0)) floor = version;
    }
    if (floor && (!lowest || compare(floor, lowest) < 0)) lowest = floor;
  }
  return lowest;
}

function parseVersion(text: string): Omit<CdkVersion, 'source'> | undefined {
  const match = /^v?(\d+)(?:\.(\d+|x|X|\*))?(?:\.(\d+|x|X|\*))?(?:[-+].*)?$/.exec(text.trim());
  if (!match) return undefined;
  const major = Number(match[1]);
  if (major !== 1 && major !== 2) return undefined;
  const num = (part: string | undefined) => (part && /^\d+$/.test(part) ? Number(part) : 0);
  return { major: major as 1 | 2, minor: num(match[2]), patch: num(match[3]) };
}

function compare(a: Omit<CdkVersion, 'source'>, b: Omit<CdkVersion, 'source'>): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

function dependencyRange(manifest: Record<string, unknown>, library: string): string | undefined {
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
    const deps = manifest[field];
    if (deps && typeof deps === 'object' && typeof (deps as Record<string, unknown>)[library] === 'string') {
      return (deps as Record<string, string>)[library];
    }
  }
  return undefined;
}

function readJson(readFile: ReadFile, path: string): Record<string, unknown> | undefined {
  const text = readFile(path);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `a/b` → [`a/b`, `a`, ``]; `/x/y` → [`/x/y`, `/x`, `/`]. */
export function ancestors(dir: string): string[] {
  let d = dir.replace(/\\/g, '/').replace(/^\.(\/|$)/, '').replace(/(.)\/+$/, '$1');
  const out = [d];
  while (d !== '' && d !== '/') {
    const slash = d.lastIndexOf('/');
    d = slash < 0 ? '' : slash === 0 ? '/' : d.slice(0, slash);
    out.push(d);
  }
  return out;
}

export function joinPath(dir: string, relative: string): string {
  if (dir === '') return relative;
  return dir.endsWith('/') ? dir + relative : `${dir}/${relative}`;
}

/** The folder of a `/`-separated path: `lib/stack.ts` → `lib`, `stack.ts` → ``. */
export function dirnameOf(path: string): string {
  const normal = path.replace(/\\/g, '/');
  const slash = normal.lastIndexOf('/');
  return slash < 0 ? '' : slash === 0 ? '/' : normal.slice(0, slash);
}
