/**
 * Text-level planning of edits: where a new element of a `{ … }` list goes and how it is laid out,
 * so that it looks hand-written and the rest of the file stays byte-identical. Everything here works
 * on plain strings and offsets; `editor.ts` applies the result to the ts-morph tree.
 */
import { ts } from 'ts-morph';
import type { CdkStyle } from './types.js';

/** Replace `[start, end)` of the file text with `text`. */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** A bracketed, comma-separated list: an object literal, named imports, a destructuring pattern. */
export interface ListShape {
  /** Offset of the opening bracket. */
  open: number;
  /** Offset of the closing bracket. */
  close: number;
  /** Start (without leading comments) and end of each element. */
  items: Array<{ start: number; end: number }>;
  /** Whether the last element is followed by a comma. */
  trailingComma: boolean;
}

export function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** The whitespace that starts the line holding `pos`. */
export function lineIndent(text: string, pos: number): string {
  const start = lineStart(text, pos);
  return /^[ \t]*/.exec(text.slice(start, pos))![0];
}

export function isFirstOnLine(text: string, pos: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, pos), pos));
}

/** The offset just past whitespace and comments from `pos` (the next token). */
export function skipTrivia(text: string, pos: number): number {
  for (;;) {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
    if (text.startsWith('//', pos)) {
      const newline = text.indexOf('\n', pos);
      pos = newline < 0 ? text.length : newline;
    } else if (text.startsWith('/*', pos)) {
      const close = text.indexOf('*/', pos + 2);
      pos = close < 0 ? text.length : close + 2;
    } else return pos;
  }
}

/**
 * Where text that follows `pos` on its line goes: after the comments that trail `pos` on the same
 * line, and after the spaces that follow them when only the line break remains, so that
 * `a: 1, // note` keeps its note.
 */
export function endOfLineAfter(text: string, pos: number): number {
  const comments = ts.getTrailingCommentRanges(text, pos);
  const after = comments && comments.length > 0 ? comments[comments.length - 1]!.end : pos;
  const rest = /^[ \t]*/.exec(text.slice(after))![0].length;
  const next = text[after + rest];
  return next === undefined || next === '\n' || next === '\r' ? after + rest : after;
}

/**
 * Lays out multi-line `text` to start at an indent of `base`: continuation lines get `base` plus
 * their own nesting, re-expressed in the file's indent unit (text may be written with any
 * consistent indent). Text holding a template literal keeps its lines as written, since their
 * whitespace may be content.
 */
export function indentContinuation(text: string, base: string, style: Pick<CdkStyle, 'indentUnit' | 'eol'>): string {
  const lines = text.split(/\r?\n/);
  if (lines.length === 1) return text;
  if (text.includes('`')) return lines.join(style.eol);
  const rest = lines.slice(1);
  const indents = rest.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)![0]);
  const tabs = indents.some((indent) => indent.includes('\t'));
  const step = tabs ? 1 : Math.min(...indents.map((indent) => indent.length).filter((n) => n > 0), Infinity);
  const uniform = tabs
    ? indents.every((indent) => /^\t*$/.test(indent))
    : Number.isFinite(step) && indents.every((indent) => indent.length % step === 0);
  const relaid = rest.map((line) => {
    if (line.trim() === '') return '';
    const indent = /^[ \t]*/.exec(line)![0];
    const nested = uniform ? style.indentUnit.repeat(tabs ? indent.length : indent.length / step) : indent;
    return base + nested + line.slice(indent.length);
  });
  return [lines[0]!, ...relaid].join(style.eol);
}

/**
 * Splices that add `item` as the last element of a list, in the layout of the list:
 * - multi-line: on its own line after the last element (and its trailing comment), at the other
 *   elements' indent, with a trailing comma only when the old last element had one, and a comma added
 *   after the old last element when it had none;
 * - single-line: `{ a: 1 }` → `{ a: 1, b: 2 }`;
 * - empty: a multi-line list one level deeper than the line of its opening bracket.
 */
export function planAppend(text: string, list: ListShape, item: string, style: CdkStyle): Splice[] {
  const base = lineIndent(text, list.open);
  const last = list.items[list.items.length - 1];
  if (!last) {
    const indent = base + style.indentUnit;
    const element = indentContinuation(item, indent, style) + (style.trailingCommas ? ',' : '');
    const inner = text.slice(list.open + 1, list.close);
    if (inner.trim() === '') return [{ start: list.open + 1, end: list.close, text: style.eol + indent + element + style.eol + base }];
    // Only comments inside: keep them and put the element before the closing bracket.
    if (isFirstOnLine(text, list.close)) {
      const at = lineStart(text, list.close);
      return [{ start: at, end: at, text: indent + element + style.eol }];
    }
    return [{ start: list.close, end: list.close, text: `${/\s$/.test(inner) ? '' : ' '}${item} ` }];
  }
  const afterLast = list.trailingComma ? skipTrivia(text, last.end) + 1 : last.end;
  const multiLine = text.slice(afterLast, list.close).includes('\n');
  if (!multiLine) {
    const element = indentContinuation(item, lineIndent(text, last.start), style);
    return list.trailingComma
      ? [{ start: afterLast, end: afterLast, text: ` ${element},` }]
      : [{ start: last.end, end: last.end, text: `, ${element}` }];
  }
  const indent = elementIndent(text, list.items) ?? base + style.indentUnit;
  const at = endOfLineAfter(text, afterLast);
  const element = indentContinuation(item, indent, style) + (list.trailingComma ? ',' : '');
  const line = { start: at, end: at, text: style.eol + indent + element };
  if (list.trailingComma) return [line];
  if (at === last.end) return [{ ...line, text: `,${line.text}` }];
  return [{ start: last.end, end: last.end, text: ',' }, line];
}

/** The indent of the last element that starts its own line. */
function elementIndent(text: string, items: ListShape['items']): string | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const start = items[i]!.start;
    if (isFirstOnLine(text, start)) return lineIndent(text, start);
  }
  return undefined;
}

/** `text` with `splices` (non-overlapping, any order) applied, for a piece of the file starting at `offset`. */
export function applySplices(text: string, offset: number, splices: Splice[]): string {
  let out = text;
  // From the end, so earlier offsets stay valid; of two insertions at one offset, the first listed ends up first.
  const order = splices.map((splice, i) => ({ splice, i })).sort((a, b) => b.splice.start - a.splice.start || b.i - a.i);
  for (const { splice } of order) {
    out = out.slice(0, splice.start - offset) + splice.text + out.slice(splice.end - offset);
  }
  return out;
}

/** `name` as a property key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string, quote: "'" | '"'): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quoted(name, quote);
}

/** A string literal in the file's quotes. */
export function quoted(value: string, quote: "'" | '"'): string {
  return quote + value.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`) + quote;
}
