/**
 * The fixes applied to one template, in order, so that one of them can be taken back later without
 * losing the others: when a finding a fix cleared comes back in a later pass (its own fix did not
 * clear it, or another transform undid it), that fix is dropped and reported, and the view is rebuilt
 * from the original by replaying the rest. A fix that no longer applies once another is gone is
 * dropped too. This is what turns a conflict between two transforms into a report instead of a loop.
 */
import type { Operation } from 'fast-json-patch';
import type { CfnDocument } from '../document/cfn/index.js';
import type { Finding, NewFile } from '../transform.js';
import { pointer } from '../document/pointer.js';
import { problemsIntroduced } from '../verify/validate.js';

export interface JournalEntry {
  key: string;
  /** The pass that applied it: a finding is "back" only when a later pass reports it again. */
  pass: number;
  ops: Operation[];
  files: NewFile[];
  /** The finding as logged; dropping the fix turns it into a needs-review finding in place. */
  finding: Finding;
  /** Order of recording, never reused: "the fixes applied since a transform last looked" are those above its mark. */
  seq?: number;
}

/** Identifies a finding across passes: the same transform saying the same thing about the same place. */
export function findingKey(finding: Pick<Finding, 'transformId' | 'pointer' | 'constructPath' | 'messageId' | 'message'>): string {
  return [finding.transformId, finding.pointer ?? finding.constructPath ?? '', finding.messageId ?? '', finding.message].join('\u0000');
}

export class FixJournal {
  private entries: JournalEntry[] = [];
  /** The first pass each kept entry's key was fixed in (asked once per finding: a scan would be quadratic). */
  private firstPass = new Map<string, number>();
  /** Keys of dropped fixes, with the reason: they are reported, never applied again. */
  readonly dropped = new Map<string, string>();

  /** Was this finding fixed in a pass before `pass`? Then seeing it again means the fix did not hold. */
  fixedBefore(key: string, pass: number): boolean {
    const first = this.firstPass.get(key);
    return first !== undefined && first < pass;
  }

  /** The sequence number of the last fix recorded: a mark to ask `fixesOn` about the fixes after it. */
  get mark(): number {
    return this.seq;
  }
  private seq = 0;

  record(entry: JournalEntry): void {
    entry.seq = ++this.seq;
    this.keep(entry);
  }

  private keep(entry: JournalEntry): void {
    this.entries.push(entry);
    if (!this.firstPass.has(entry.key)) this.firstPass.set(entry.key, entry.pass);
  }

  /**
   * The fixes recorded after `mark` that created resource `logicalId` (an `add` of the resource
   * itself) or, with `touching`, that wrote anywhere in it.
   */
  fixesOn(logicalId: string, mark: number, touching: boolean): JournalEntry[] {
    const at = pointer('Resources', logicalId);
    return this.entries.filter(
      (entry) =>
        entry.seq! > mark &&
        entry.ops.some((op) => (op.op === 'add' && op.path === at) || (touching && (op.path === at || op.path.startsWith(at + '/')))),
    );
  }

  /**
   * Take back the fix recorded under `key`: rebuild the document's view from the original with every
   * other fix replayed in order. Returns every entry that was dropped (the fix, and any that no
   * longer apply or validate without it).
   */
  drop(key: string, reason: string, doc: CfnDocument): JournalEntry[] {
    const removed: JournalEntry[] = [];
    const kept: JournalEntry[] = [];
    doc.revertTo(doc.original);
    for (const entry of this.entries) {
      if (entry.key === key) {
        removed.push(this.markDropped(entry, reason));
        continue;
      }
      const before = doc.template;
      try {
        doc.applyOps(entry.ops);
        if (problemsIntroduced(before, doc.template, entry.ops).length > 0) throw new Error('invalid without the dropped fix');
        kept.push(entry);
      } catch {
        doc.revertTo(before);
        removed.push(this.markDropped(entry, `it depended on a fix that was dropped (${reason})`));
      }
    }
    this.entries = [];
    this.firstPass = new Map();
    for (const entry of kept) this.keep(entry);
    return removed;
  }

  private markDropped(entry: JournalEntry, reason: string): JournalEntry {
    this.dropped.set(entry.key, reason);
    entry.finding.status = 'manual';
    entry.finding.reason = reason;
    return entry;
  }
}
