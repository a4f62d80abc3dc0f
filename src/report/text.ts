/** The human report: colored diffs, findings grouped by file, a one-line summary. */
import pc from 'picocolors';
import type { RunResult } from '../pipeline/result.js';
import type { Finding } from '../transform.js';
import { unifiedDiff } from './diff.js';

export interface TextReportOptions {
  color: boolean;
  /** Show diffs (dry run) or only findings (after --write, or with --check). */
  diffs: boolean;
  quiet: boolean;
}

const STATUS_LABEL: Record<Finding['status'], string> = { fixed: 'fixed', manual: 'needs review', info: 'note' };

export function renderText(run: RunResult, options: TextReportOptions): string {
  const c = pc.createColors(options.color);
  const out: string[] = [];
  for (const error of run.errors) out.push(c.red(`error: ${error.file ? `${error.file}: ` : ''}${error.message}`));
  for (const file of run.files) {
    for (const error of file.errors) {
      const where = [error.file ?? file.path, error.line, error.column].filter((x) => x !== undefined).join(':');
      out.push(c.red(`error: ${where}: ${error.message}`));
    }
    if (options.diffs && file.errors.length === 0) {
      const diff = unifiedDiff(file);
      if (diff) out.push(colorDiff(diff, c));
    }
    if (options.quiet) continue;
    for (const warning of file.warnings) out.push(c.yellow(`warning: ${file.path}: ${warning}`));
    for (const f of file.findings) {
      const where = [f.file, f.line, f.column].filter((x) => x !== undefined).join(':');
      const subject = f.logicalId ?? f.constructPath;
      const label = STATUS_LABEL[f.status];
      const colored = f.status === 'fixed' ? c.green(label) : f.status === 'manual' ? c.yellow(label) : c.cyan(label);
      out.push(`${where}  ${colored}  ${c.dim(f.transformId)}  ${subject ? c.bold(subject) + ': ' : ''}${f.message}${f.reason ? c.dim(` (${f.reason})`) : ''}`);
    }
  }
  out.push(summaryLine(run, c));
  return out.join('\n') + '\n';
}

function colorDiff(diff: string, c: ReturnType<typeof pc.createColors>): string {
  return diff
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---')) return c.bold(line);
      if (line.startsWith('@@')) return c.cyan(line);
      if (line.startsWith('+')) return c.green(line);
      if (line.startsWith('-')) return c.red(line);
      return line;
    })
    .join('\n');
}

function summaryLine(run: RunResult, c: ReturnType<typeof pc.createColors>): string {
  const s = run.summary;
  const parts = [
    `${s.files} file${s.files === 1 ? '' : 's'}`,
    `${s.changed} changed`,
    c.green(`${s.fixed} fixed`),
    c.yellow(`${s.manual} need review`),
    `${s.info} notes`,
  ];
  if (s.errors > 0) parts.push(c.red(`${s.errors} error${s.errors === 1 ? '' : 's'}`));
  return parts.join(', ');
}
