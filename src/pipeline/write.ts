/**
 * Writing results: atomically (a temp file in the same folder, then rename), only inside the root,
 * only for files without errors. A file's patched text and the files its fixes create are written
 * together: created files first, so a template never points at code that is not there.
 */
import { chmodSync, mkdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StackfixError, toErrorRecord } from '../errors.js';
import { resolveInside } from './project-files.js';
import type { FileResult } from './result.js';

export function writeResults(root: string, results: FileResult[]): void {
  for (const result of results) {
    if (result.errors.length > 0 || (!result.changed && result.created.length === 0)) continue;
    // What this result has written so far: undone if a later write fails, so that a template is never
    // left unchanged beside code files that were created for it (or the other way round).
    const written: Array<{ file: string; madeDir?: string }> = [];
    try {
      // A template that cannot be written is refused before anything is created for it.
      if (result.changed) writableMode(root, result.path);
      for (const created of result.created) written.push({ file: path.resolve(root, created.path), madeDir: writeAtomic(root, created.path, created.text) });
      if (result.changed) writeAtomic(root, result.path, result.output);
    } catch (error) {
      // Created files did not exist before (NewFiles.list leaves out the ones that did): remove them, then the folders made for them.
      for (const { file } of written) removeQuietly(file);
      for (const { file, madeDir } of written.reverse()) if (madeDir) removeEmptyDirs(madeDir, path.dirname(file));
      result.errors.push(toErrorRecord(error, result.path));
    }
  }
}

/** Cleaning up must not hide the error that made it necessary (rmSync throws ENOTDIR, EACCES… even with force). */
function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // nothing more can be done; the original error is reported
  }
}

/** Remove `top` and the folders below it on the way to `deepest`, deepest first, as long as they are empty. */
function removeEmptyDirs(top: string, deepest: string): void {
  for (let dir = deepest; dir.startsWith(top); dir = path.dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty (or already gone): leave it and what is above it
    }
    if (dir === top) return;
  }
}

/**
 * The mode of the existing file at `relativePath` (undefined when there is none yet); throws when it
 * lies outside the root or is read-only.
 */
function writableMode(root: string, relativePath: string): { target: string; mode: number | undefined } {
  const target = resolveInside(root, root, relativePath);
  if (!target) throw new StackfixError('path', `refusing to write outside the project root: ${relativePath}`, { file: relativePath });
  let stat;
  try {
    stat = statSync(target);
  } catch {
    return { target, mode: undefined };
  }
  // rename() would replace a read-only file anyway: honour the read-only bit explicitly.
  if ((stat.mode & 0o222) === 0) throw new StackfixError('write', `${relativePath} is read-only; not written`, { file: relativePath });
  return { target, mode: stat.mode & 0o7777 };
}

/** Write one file atomically. Returns the first folder it had to create, if any. */
export function writeAtomic(root: string, relativePath: string, text: string): string | undefined {
  const { target, mode } = writableMode(root, relativePath);
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.stackfix-${process.pid}-${Date.now()}.tmp`);
  let made: string | undefined;
  try {
    made = mkdirSync(dir, { recursive: true });
    writeFileSync(temp, text, { flag: 'wx' });
    if (mode !== undefined) chmodSync(temp, mode);
    renameSync(temp, target);
    return made;
  } catch (error) {
    removeQuietly(temp);
    if (made) removeEmptyDirs(made, dir);
    if (error instanceof StackfixError) throw error;
    throw new StackfixError('write', `cannot write ${relativePath}: ${(error as Error).message}`, { file: relativePath, cause: error });
  }
}
