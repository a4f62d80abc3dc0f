/**
 * Which files a run looks at: the given files and the candidates below the given folders, never
 * leaving the project root, never following a symlink out of it or round a loop.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { StackfixError, toErrorRecord, type ErrorRecord } from '../errors.js';
import { isInside } from './project-files.js';
import { CDK_EXTENSIONS, TEMPLATE_EXTENSIONS } from './run-file.js';

const SKIPPED_DIRS = new Set(['node_modules', 'cdk.out', '.git', '.aws-sam', 'coverage', '.serverless']);
const SKIPPED_TS = [/\.d\.ts$/, /\.(test|spec)\.ts$/];

export interface Discovered {
  /** Absolute real paths, sorted, each once. */
  files: string[];
  errors: ErrorRecord[];
}

export function isCandidate(file: string): boolean {
  const name = path.basename(file);
  if (CDK_EXTENSIONS.some((ext) => name.endsWith(ext))) return !SKIPPED_TS.some((re) => re.test(name));
  return TEMPLATE_EXTENSIONS.some((ext) => name.endsWith(ext)) && name !== 'package-lock.json' && name !== 'package.json' && !name.startsWith('tsconfig');
}

export function discover(root: string, inputs: string[]): Discovered {
  const files = new Set<string>();
  const errors: ErrorRecord[] = [];
  const visitedDirs = new Set<string>();

  const visit = (given: string, explicit: boolean) => {
    let real: string;
    try {
      real = realpathSync(given);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ELOOP' ? 'a symlink loop' : 'it does not exist or cannot be read';
      if (explicit || (error as NodeJS.ErrnoException).code === 'ELOOP') {
        errors.push(toErrorRecord(new StackfixError('input', `cannot read ${rel(root, given)}: ${reason}`, { file: rel(root, given) })));
      }
      return;
    }
    if (!isInside(root, real)) {
      errors.push(toErrorRecord(new StackfixError('path', `${rel(root, given)} is outside the project root ${root}; not read`, { file: rel(root, given) })));
      return;
    }
    let stat;
    try {
      stat = statSync(real);
    } catch (error) {
      errors.push(toErrorRecord(new StackfixError('input', `cannot read ${rel(root, given)}: ${(error as Error).message}`, { file: rel(root, given) })));
      return;
    }
    if (stat.isDirectory()) {
      if (visitedDirs.has(real)) return; // a symlink back into a folder already walked
      visitedDirs.add(real);
      let entries: string[];
      try {
        entries = readdirSync(real).sort();
      } catch (error) {
        errors.push(toErrorRecord(new StackfixError('input', `cannot list ${rel(root, given)}: ${(error as Error).message}`, { file: rel(root, given) })));
        return;
      }
      for (const entry of entries) {
        if (SKIPPED_DIRS.has(entry)) continue;
        const child = path.join(given, entry);
        if (!isDirectory(child) && !isCandidate(child)) continue;
        visit(child, false);
      }
    } else if (stat.isFile() && (explicit || isCandidate(real))) {
      files.add(real);
    } else if (!stat.isFile() && explicit) {
      // A FIFO would block the read forever, a device never ends: only regular files are read.
      errors.push(toErrorRecord(new StackfixError('input', `cannot read ${rel(root, given)}: not a regular file`, { file: rel(root, given) })));
    }
  };

  for (const input of inputs) visit(path.resolve(root, input), true);
  return { files: [...files].sort(), errors };
}

/** Following symlinks; a dangling link is not a directory. */
function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

export function rel(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/') || '.';
}
