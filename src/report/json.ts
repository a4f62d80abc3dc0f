/** The machine report: one JSON object, stable field names, diffs included. */
import type { RunResult } from '../pipeline/result.js';
import { unifiedDiff } from './diff.js';

export function renderJson(run: RunResult): string {
  return (
    JSON.stringify(
      {
        root: run.root,
        summary: run.summary,
        errors: run.errors,
        files: run.files.map((file) => ({
          path: file.path,
          kind: file.kind,
          changed: file.changed,
          created: file.created.map((c) => c.path),
          errors: file.errors,
          warnings: file.warnings,
          findings: file.findings,
          diff: file.errors.length === 0 ? unifiedDiff(file) : '',
        })),
      },
      null,
      2,
    ) + '\n'
  );
}
