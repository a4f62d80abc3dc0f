/**
 * Writing results: atomically (a temp file in the same folder, then rename), only inside the root,
 * only for files without errors. A file's patched text and the files its fixes create are written
 * together: created files first, so a template never points at code that is not there.
 */
import { chmodSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StackfixError, toErrorRecord } from '../errors.js';
import { resolveInside } from './project-files.js';
import type { FileResult } from './result.js';

export function writeResults(root: string, results: FileResult[]): void {
  for (const result of results) {
    if (result.errors.length > 0 || (!result.changed && result.created.length === 0)) continue;
    try {
      for (const created of result.created) writeAtomic(root, created.path, created.text);
      if (result.changed) writeAtomic(root, result.path, result.output);
    } catch (error) {
      result.errors.push(toErrorRecord(error, result.path));
    }
  }
}

export function writeAtomic(root: string, relativePath: string, text: string): void {
  const target = resolveInside(root, root, relativePath);
  if (!target) throw new StackfixError('path', `refusing to write outside the project root: ${relativePath}`, { file: relativePath });
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.stackfix-${process.pid}-${Date.now()}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    let mode: number | undefined;
    try {
      const stat = statSync(target);
      mode = stat.mode & 0o7777;
      // rename() would replace a read-only file anyway: honour the read-only bit explicitly.
      if ((stat.mode & 0o222) === 0) throw new StackfixError('write', `${relativePath} is read-only; not written`, { file: relativePath });
    } catch (error) {
      if (error instanceof StackfixError) throw error;
    }
    writeFileSync(temp, text, { flag: 'wx' });
    if (mode !== undefined) chmodSync(temp, mode);
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    if (error instanceof StackfixError) throw error;
    throw new StackfixError('write', `cannot write ${relativePath}: ${(error as Error).message}`, { file: relativePath, cause: error });
  }
}
