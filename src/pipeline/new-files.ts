/**
 * Files that fixes create (extracted Lambda code): checked to stay inside the root and never to
 * clobber a different existing file, and visible to later transforms before anything is written.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { NewFile } from '../transform.js';
import { resolveInside } from './project-files.js';

export class NewFiles {
  /** Absolute path → text, for ProjectFiles to read before the files exist. */
  readonly overlay = new Map<string, string>();

  constructor(
    private readonly root: string,
    /** The folder of the file being fixed, relative to the root. */
    private readonly dir: string,
  ) {}

  /** Why these files cannot be created, or undefined when they can. */
  check(files: NewFile[]): string | undefined {
    for (const file of files) {
      const target = resolveInside(this.root, path.join(this.root, this.dir), file.path);
      if (!target || path.isAbsolute(file.path)) return `the file ${file.path} would be written outside the project root`;
      const pending = this.overlay.get(target);
      if (pending !== undefined && pending !== file.text) return `another fix already creates ${file.path} with different content`;
      if (pending === undefined && existsSync(target)) {
        let existing: string | undefined;
        try {
          existing = readFileSync(target, 'utf8');
        } catch {
          existing = undefined;
        }
        if (existing !== file.text) return `${file.path} already exists with different content; not overwritten`;
      }
    }
    return undefined;
  }

  add(files: NewFile[]): void {
    for (const file of files) this.overlay.set(path.resolve(this.root, this.dir, file.path), file.text);
  }

  /** Forget files of a fix that was taken back. */
  remove(files: NewFile[]): void {
    for (const file of files) this.overlay.delete(path.resolve(this.root, this.dir, file.path));
  }

  /** Root-relative paths with forward slashes, skipping files that already exist with the same text. */
  list(): Array<{ path: string; text: string }> {
    const out: Array<{ path: string; text: string }> = [];
    for (const [absolute, text] of this.overlay) {
      if (existsSync(absolute)) continue;
      out.push({ path: path.relative(this.root, absolute).split(path.sep).join('/'), text });
    }
    return out;
  }
}
