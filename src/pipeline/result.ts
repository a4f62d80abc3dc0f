import type { ErrorRecord } from '../errors.js';
import type { Finding } from '../transform.js';

export type FileKind = 'cloudformation' | 'cdk';

/** What the pipeline did with one file. Nothing here has touched disk. */
export interface FileResult {
  /** Relative to the project root, forward slashes. */
  path: string;
  kind: FileKind;
  findings: Finding[];
  /** Problems that stopped this file; when present, nothing is written for it. */
  errors: ErrorRecord[];
  warnings: string[];
  original: string;
  output: string;
  changed: boolean;
  /** Files the fixes create, relative to the project root. */
  created: Array<{ path: string; text: string }>;
}

export interface RunSummary {
  files: number;
  changed: number;
  fixed: number;
  manual: number;
  info: number;
  errors: number;
}

export interface RunResult {
  root: string;
  files: FileResult[];
  /** Errors not tied to one file (an unreadable path argument, say). */
  errors: ErrorRecord[];
  summary: RunSummary;
}

export function summarize(files: FileResult[], errors: ErrorRecord[]): RunSummary {
  const summary: RunSummary = { files: files.length, changed: 0, fixed: 0, manual: 0, info: 0, errors: errors.length };
  for (const file of files) {
    if (file.changed || file.created.length > 0) summary.changed++;
    summary.errors += file.errors.length;
    for (const finding of file.findings) summary[finding.status]++;
  }
  return summary;
}
