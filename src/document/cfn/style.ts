/**
 * How a template is written, read off the file so that new nodes look like their neighbours:
 * indent width, whether block sequences are indented under their key, quote style, short-form tags.
 */
import { isMap, isPair, isScalar, isSeq, Scalar, type Document, type Pair } from 'yaml';
import { isCfnTag } from './intrinsics.js';

export interface YamlStyle {
  indent: number;
  /** `Key:\n  - item` (true) or `Key:\n- item` (false). */
  indentSeq: boolean;
  singleQuote: boolean;
  /** Write `!Ref X` rather than `Ref: X`. */
  shortTags: boolean;
}

export interface JsonStyle {
  /** The indent unit: '  ', '    ', '\t', or '' for single-line JSON. */
  indentUnit: string;
  /** `"a": 1` or `"a":1`. */
  colonSpace: boolean;
}

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  /** 0-based line of an offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  lineStart(offset: number): number {
    return this.starts[this.lineOf(offset)]!;
  }
  /** 0-based column of an offset. */
  columnOf(offset: number): number {
    return offset - this.lineStart(offset);
  }
}

export function detectYamlStyle(doc: Document.Parsed, lines: LineIndex): YamlStyle {
  const indentVotes = new Map<number, number>();
  let seqIndented = 0;
  let seqFlush = 0;
  let single = 0;
  let double = 0;
  let shortTags = 0;
  let longForms = 0;
  // A plain walk rather than yaml's visit(), which builds a frozen path array at every node.
  const pairSeen = (pair: Pair): void => {
    const key = pair.key;
    const value = pair.value;
    if (!isScalar(key) || !key.range) return;
    const keyColumn = lines.columnOf(key.range[0]);
    if (typeof key.value === 'string' && (key.value === 'Ref' || key.value.startsWith('Fn::'))) longForms++;
    if (isMap(value) && !value.flow && value.items[0] && isScalar(value.items[0].key) && value.items[0].key.range) {
      const delta = lines.columnOf(value.items[0].key.range[0]) - keyColumn;
      if (delta > 0) indentVotes.set(delta, (indentVotes.get(delta) ?? 0) + 1);
    }
    if (isSeq(value) && !value.flow && value.range) {
      const dashColumn = lines.columnOf(value.range[0]);
      if (dashColumn > keyColumn) seqIndented++;
      else seqFlush++;
    }
  };
  const nodeSeen = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (isCfnTag((node as { tag?: string }).tag)) shortTags++;
    if (isScalar(node)) {
      if (node.type === Scalar.QUOTE_SINGLE) single++;
      else if (node.type === Scalar.QUOTE_DOUBLE) double++;
    } else if (isMap(node)) {
      for (const pair of node.items) {
        pairSeen(pair);
        nodeSeen(pair.key);
        nodeSeen(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        if (!isPair(item)) nodeSeen(item);
        else {
          // `[a: 1]`: a flow sequence may hold pairs, as yaml's visit() reports them.
          pairSeen(item);
          nodeSeen(item.key);
          nodeSeen(item.value);
        }
      }
    }
  };
  nodeSeen(doc.contents);
  let indent = 2;
  let best = 0;
  for (const [delta, votes] of indentVotes) {
    if (votes > best || (votes === best && delta < indent)) {
      indent = delta;
      best = votes;
    }
  }
  return {
    indent,
    indentSeq: seqIndented >= seqFlush,
    singleQuote: single >= double,
    // A file with no intrinsics at all gets the short forms most templates use.
    shortTags: shortTags > 0 || longForms === 0,
  };
}

export function detectJsonStyle(text: string): JsonStyle {
  const match = /\{\s*\n([ \t]+)"/.exec(text);
  const colon = /"\s*:(\s?)/.exec(text);
  return {
    indentUnit: match ? match[1]! : '',
    colonSpace: colon ? colon[1] === ' ' : true,
  };
}
