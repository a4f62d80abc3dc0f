/**
 * Collects a file's findings across fix passes: a fix applied in any pass is recorded; a report-only
 * finding is recorded once, however many passes see it again.
 */
import type { Finding } from '../transform.js';

export class FindingLog {
  readonly findings: Finding[] = [];
  private readonly seen = new Set<string>();

  add(finding: Finding): void {
    const key = [finding.transformId, finding.status, finding.pointer ?? finding.constructPath ?? finding.line, finding.messageId ?? finding.message].join('\u0000');
    if (finding.status !== 'fixed' && this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push(finding);
  }
}

/** The most passes a file may take before its fixes are declared not to converge. */
export const MAX_PASSES = 4;
