/**
 * Code with each substitution replaced by a unique marker word, so that a language's own reader can
 * tell where each one stands (in a string, a comment, or the code itself) before anything is rewritten.
 */
import { deepEqual } from '../../src/document/cfn/index.js';
import type { Placeholder, Segment } from './template-code.js';

export interface MarkedCode {
  text: string;
  /** Distinct placeholders; a marker's index points here. */
  placeholders: Placeholder[];
  /** The environment variable each placeholder is read from (a builtin such as AWS_REGION included). */
  names: string[];
  eol: string;
  markerOf(index: number): string;
}

/** `used`: placeholders now read from the environment; `inComments`: those left as written in comments. */
export type CodeRewrite = { ok: true; code: string; used: Set<number>; inComments: Set<number> } | { ok: false; reason: string };

export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Join the segments, writing a marker where each placeholder stands. */
export function markCode(segments: Segment[], placeholders: Placeholder[], names: string[]): MarkedCode {
  const plain = segments.map((s) => ('text' in s ? s.text : '')).join('');
  // A word that cannot occur in the code, valid as an identifier and as string content in any language.
  let stem = '__stackfix_value_';
  while (plain.includes(stem)) stem += 'x_';
  const markerOf = (index: number) => `${stem}${index}__`;
  const text = segments
    .map((s) => ('text' in s ? s.text : markerOf(placeholders.findIndex((p) => deepEqual(p.value, s.placeholder.value)))))
    .join('');
  return { text, placeholders, names, eol: plain.includes('\r\n') ? '\r\n' : '\n', markerOf };
}

/** Every marker occurrence, in text order. */
export function markerHits(marked: MarkedCode): Array<{ at: number; length: number; index: number }> {
  const hits: Array<{ at: number; length: number; index: number }> = [];
  marked.placeholders.forEach((_, index) => {
    const marker = marked.markerOf(index);
    for (let at = marked.text.indexOf(marker); at !== -1; at = marked.text.indexOf(marker, at + marker.length)) {
      hits.push({ at, length: marker.length, index });
    }
  });
  return hits.sort((a, b) => a.at - b.at);
}

/** Apply non-overlapping edits; inserts at one offset keep the order they were made in. */
export function applyEdits(text: string, edits: Edit[]): string {
  const sorted = edits.map((e, order) => ({ ...e, order })).sort((a, b) => a.start - b.start || a.order - b.order);
  let out = '';
  let cursor = 0;
  for (const edit of sorted) {
    out += text.slice(cursor, edit.start) + edit.text;
    cursor = Math.max(cursor, edit.end);
  }
  return out + text.slice(cursor);
}
