/**
 * Collects a file's findings across fix passes: a fix applied in any pass is recorded; a report-only
 * finding that an earlier pass already recorded is not recorded again.
 */
import type { Finding } from '../transform.js';

export class FindingLog {
  readonly findings: Finding[] = [];
  /** Keys recorded in earlier passes. Within one pass nothing is merged: two findings are two. */
  private readonly earlier = new Set<string>();
  private readonly current = new Set<string>();

  /** Call before each pass. */
  startPass(): void {
    for (const key of this.current) this.earlier.add(key);
    this.current.clear();
  }

  add(finding: Finding): void {
    // Stable across passes: positions and wording may shift as fixes change the file, the place and the kind do not.
    const key = [finding.transformId, finding.status, finding.pointer ?? finding.constructPath ?? finding.line, finding.messageId ?? finding.message].join('\u0000');
    if (finding.status !== 'fixed' && this.earlier.has(key)) return;
    this.current.add(key);
    this.findings.push(finding);
  }
}

/** The most passes a file may take before its fixes are declared not to converge. */
export const MAX_PASSES = 4;
