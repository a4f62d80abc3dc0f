/**
 * The only door transforms have to the disk: read-only, relative to the file being fixed, and closed
 * to anything outside the project root (symlinks included).
 */
import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { ProjectFiles } from '../transform.js';

/** Is `target` (absolute) inside `root` (absolute, real)? */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Resolve a path against `baseDir`, returning it only when it stays inside `root`, following symlinks. */
export function resolveInside(root: string, baseDir: string, relativePath: string): string | undefined {
  if (relativePath.includes('\0')) return undefined;
  const target = path.resolve(baseDir, relativePath);
  if (!isInside(root, target)) return undefined;
  // The deepest part of the path that exists must really be inside too: a file not created yet below
  // a symlink to a folder outside the root would be written out there.
  let existing = target;
  while (!pathExists(existing)) existing = path.dirname(existing);
  try {
    if (!isInside(root, realpathSync(existing))) return undefined;
  } catch {
    return undefined; // a dangling symlink, a loop: not followed
  }
  return target;
}

/** Whether something (a symlink included, dangling or not) is at this path. */
function pathExists(file: string): boolean {
  try {
    // No exception for the common "not there" answer: transforms ask about many files that do not exist.
    return lstatSync(file, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false; // ENOTDIR: a file where a folder would be
  }
}

export function projectFiles(root: string, baseDir: string, overlay?: Map<string, string>): ProjectFiles {
  // The disk does not change during a run (nothing is written before every file is done): what was
  // resolved, looked for or read once is kept, since every fix pass asks again. Files that fixes
  // create are in `overlay`, asked first every time.
  const targets = new Map<string, string | undefined>();
  const present = new Map<string, boolean>();
  const texts = new Map<string, string | undefined>();
  const targetOf = (relativePath: string) => {
    if (!targets.has(relativePath)) targets.set(relativePath, resolveInside(root, baseDir, relativePath));
    return targets.get(relativePath);
  };
  return {
    exists(relativePath) {
      const target = targetOf(relativePath);
      if (target === undefined) return false;
      if (overlay?.has(target)) return true;
      if (!present.has(target)) present.set(target, existsSync(target));
      return present.get(target)!;
    },
    read(relativePath) {
      const target = targetOf(relativePath);
      if (target === undefined) return undefined;
      const pending = overlay?.get(target);
      if (pending !== undefined) return pending;
      if (!texts.has(target)) {
        let text: string | undefined;
        try {
          text = readFileSync(target, 'utf8');
        } catch {
          text = undefined;
        }
        texts.set(target, text);
      }
      return texts.get(target);
    },
  };
}
