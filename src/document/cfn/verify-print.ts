/**
 * Proving that printed text means the new view, at a cost that follows what changed.
 *
 * print() splices text into the original; before anything is written, the result is read back and
 * must mean exactly the new view. Reading back the whole file costs a second full parse, which on a
 * big template is most of a run. This module reads back only the parts whose text changed:
 *
 *  - JSON: JSON.parse (native, a fraction of a YAML parse) of the whole text.
 *  - YAML with a block mapping at the top: the text is cut into entries at the lines that start in
 *    column 0. An entry whose text is byte-for-byte an entry of the original means what it meant there.
 *    A changed entry whose first line is an original entry's, and whose value was a block mapping, is cut
 *    the same way at its own indentation, and so on down; any other changed entry is parsed on its own
 *    (a block mapping may start indented, so an entry parses as-is, indentation included). The
 *    meanings, put together in order (the last of two equal keys winning, as in the view), must equal
 *    the view.
 *
 * Cutting at the lines that start in an entry column is how YAML itself reads a block mapping, with two
 * exceptions that the cut cannot see: aliases (one entry naming an anchor in another) and text a line
 * cut does not split cleanly (a quoted string whose next line starts in the cut column, a directive, a
 * tab). Whenever the original has an alias, or anything in the text is not plainly one of the cases
 * above, or a piece does not parse or does not match, the whole text is parsed as before: the chunked
 * path can only say "proven"; every doubt, and every failure, is decided by the full re-parse.
 */
import { isMap, isScalar, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import { CFN_YAML_SCHEMA, CFN_YAML_TAGS } from './intrinsics.js';
import { deepEqual, isPlainObject, setOwn } from './json.js';
import { keyString, viewOf, type Json } from './view.js';

const PARSE_OPTIONS = { uniqueKeys: false, strict: false, customTags: CFN_YAML_TAGS } as const;
/** Pieces never hold a directive (a line starting with `%` is never cut as an entry): the prebuilt schema applies. */
const PIECE_OPTIONS = { uniqueKeys: false, strict: false, schema: CFN_YAML_SCHEMA } as const;

export interface PrintedOriginal {
  text: string;
  ast: Document.Parsed;
  view: { [key: string]: Json };
  /** The original has an alias: entries are not independent, only a full parse decides. */
  hasAliases: boolean;
}

/** Does `text` mean `expected`? Proven piecewise when it can be (see above), else by a full parse. */
export function printedMeans(text: string, expected: Json, original: PrintedOriginal, format: 'yaml' | 'json'): { ok: true } | { ok: false; parseError?: string } {
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { ok: false, parseError: (error as Error).message };
    }
    return deepEqual(parsed, expected) ? { ok: true } : { ok: false };
  }
  if (!original.hasAliases && provenByEntries(text, expected, original)) return { ok: true };
  return fullParseMeans(text, expected);
}

/** The reference check: parse everything, build the view, compare. */
export function fullParseMeans(text: string, expected: Json): { ok: true } | { ok: false; parseError?: string } {
  const reparsed = parseDocument(text, PARSE_OPTIONS);
  const problem = reparsed.errors[0];
  if (problem) return { ok: false, parseError: problem.message };
  return deepEqual(viewOf(reparsed.contents, reparsed), expected) ? { ok: true } : { ok: false };
}

/** The lines [start, end) that one mapping entry occupies, with the blank and comment lines after it. */
interface Chunk {
  start: number;
  end: number;
}

type Meaning = [string, Json];

/** An entry of the original whose value is a block mapping starting on the next line. */
interface NestedMap {
  key: string;
  node: YAMLMap;
  view: { [key: string]: Json };
  /** Its entries' lines in the original text, and the column they start in. */
  body: Chunk;
  column: number;
}

/** A block mapping of the original, read entry by entry. */
interface OriginalMap {
  /** An entry's exact text (indentation included) → its key and value. */
  byText: Map<string, Meaning>;
  /** Entries with a block mapping value, by their first line: a changed one is proven entry by entry. */
  byHeader: Map<string, NestedMap | null>;
}

/** The piecewise proof. `false` means "not proven": the caller parses the whole text. */
export function provenByEntries(text: string, expected: Json, original: PrintedOriginal): boolean {
  if (!isPlainObject(expected)) return false;
  const root = original.ast.contents;
  if (!isMap(root) || root.flow || root.tag || root.anchor) return false;
  const before = readOriginalMap(original, { key: '', node: root, view: original.view, body: { start: 0, end: original.text.length }, column: 0 });
  if (!before) return false;
  const proven = meaningOfMap(text, { start: 0, end: text.length }, 0, before, original);
  return proven !== undefined && deepEqual(proven, expected);
}

/** What the block mapping whose entries start at `column` in [body) means; undefined when not proven. */
function meaningOfMap(text: string, body: Chunk, column: number, before: OriginalMap, original: PrintedOriginal): { [key: string]: Json } | undefined {
  const chunks = cutAtColumn(text, column, body.start, body.end);
  if (!chunks || chunks.length === 0) return undefined;
  const out: { [key: string]: Json } = {};
  // Consecutive entries that can only be proven by parsing them are parsed together: one parse per run.
  let run: Chunk[] = [];
  const flush = (): boolean => {
    if (run.length === 0) return true;
    const meanings = parseEntries(text, run, column);
    run = [];
    if (!meanings) return false;
    for (const [key, value] of meanings) setOwn(out, key, value);
    return true;
  };
  for (const chunk of chunks) {
    const meaning = before.byText.get(text.slice(chunk.start, chunk.end)) ?? meaningOfChangedMapEntry(text, chunk, column, before, original);
    if (!meaning) {
      run.push(chunk);
      continue;
    }
    if (!flush()) return undefined;
    setOwn(out, meaning[0], meaning[1]); // last one wins, as in the view
  }
  return flush() ? out : undefined;
}

/** A changed entry with the first line of an original entry whose value is a block mapping: go down into it. */
function meaningOfChangedMapEntry(text: string, chunk: Chunk, column: number, before: OriginalMap, original: PrintedOriginal): Meaning | undefined {
  const headerEnd = text.indexOf('\n', chunk.start);
  if (headerEnd === -1 || headerEnd + 1 >= chunk.end) return undefined;
  const nested = before.byHeader.get(text.slice(chunk.start, headerEnd));
  if (!nested) return undefined;
  const body = { start: headerEnd + 1, end: chunk.end };
  const indent = firstContentIndent(text, body);
  if (indent <= column) return undefined;
  const inner = readOriginalMap(original, nested);
  if (!inner) return undefined;
  const value = meaningOfMap(text, body, indent, inner, original);
  return value ? [nested.key, value] : undefined;
}

const originalMaps = new WeakMap<YAMLMap, OriginalMap | null>();

/** An original block mapping's entries and their meanings, from its AST and view (no parse); once per node. */
function readOriginalMap(original: PrintedOriginal, map: NestedMap): OriginalMap | undefined {
  const cached = originalMaps.get(map.node);
  if (cached !== undefined) return cached ?? undefined;
  const computed = computeOriginalMap(original, map);
  originalMaps.set(map.node, computed ?? null);
  return computed;
}

function computeOriginalMap(original: PrintedOriginal, map: NestedMap): OriginalMap | undefined {
  const { text, ast } = original;
  const chunks = cutAtColumn(text, map.column, map.body.start, map.body.end);
  if (!chunks) return undefined;
  const pairs = map.node.items;
  // The view holds the last of two equal keys only; a losing entry's meaning is built from its node.
  const counts = new Map<string, number>();
  for (const pair of pairs) counts.set(keyString(pair.key), (counts.get(keyString(pair.key)) ?? 0) + 1);
  const byText = new Map<string, Meaning>();
  const byHeader = new Map<string, NestedMap | null>();
  if (chunks.length !== pairs.length) return undefined; // the cut must see exactly the parser's entries
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    const pair = pairs[i]!;
    const keyStart = (pair.key as Node | null)?.range?.[0];
    if (keyStart !== chunk.start + map.column) return undefined;
    const key = keyString(pair.key);
    const unique = counts.get(key) === 1;
    const value = unique ? map.view[key]! : viewOf(pair.value, ast);
    byText.set(text.slice(chunk.start, chunk.end), [key, value]);

    const headerEnd = text.indexOf('\n', chunk.start);
    const header = text.slice(chunk.start, headerEnd);
    const node = pair.value;
    if (!isMap(node) || node.flow || node.tag || node.anchor || !unique || !isPlainObject(value)) continue;
    const valueStart = node.range?.[0] ?? -1;
    if (headerEnd === -1 || valueStart <= headerEnd) continue;
    const column = valueStart - (text.lastIndexOf('\n', valueStart - 1) + 1);
    // Two entries with the same first line (equal keys): neither is gone down into.
    byHeader.set(header, byHeader.has(header) ? null : { key, node, view: value, body: { start: headerEnd + 1, end: chunk.end }, column });
  }
  return { byText, byHeader };
}

/** The indentation of the first line in [body) that is neither blank nor a comment; -1 when there is none. */
function firstContentIndent(text: string, body: Chunk): number {
  for (let line = body.start; line < body.end; line = nextLine(text, line)) {
    const width = leadingSpaces(text, line);
    const ch = text[line + width];
    if (ch === '\n' || ch === '\r' || ch === '#' || ch === undefined) continue;
    return width;
  }
  return -1;
}

/**
 * Cut [from, to) at the lines whose content starts exactly at `column`; each chunk starts at the
 * beginning of its line (its indentation is part of its text). A line whose content starts left of
 * `column`, a tab in the indentation, or a line that starts something other than a plain or quoted key
 * (a sequence dash, a flow collection, a directive, a document marker, an explicit key, an anchor or
 * tag) makes the cut unsure: undefined. Blank and comment lines go with the entry before them; before
 * the first entry only they may appear.
 */
function cutAtColumn(text: string, column: number, from: number, to: number): Chunk[] | undefined {
  const chunks: Chunk[] = [];
  for (let line = from; line < to; line = nextLine(text, line)) {
    const width = leadingSpaces(text, line);
    const ch = text[line + width];
    if (ch === '\n' || ch === '\r' || ch === undefined || ch === '#') continue;
    if (ch === '\t' && width <= column) return undefined;
    if (width > column) {
      if (chunks.length === 0) return undefined; // indented content before any entry
      continue;
    }
    if (width < column || !startsKey(ch)) return undefined;
    if (chunks.length > 0) chunks[chunks.length - 1]!.end = line;
    chunks.push({ start: line, end: to });
  }
  return chunks;
}

/** A character a plain or quoted mapping key may start with, in a line the cut treats as an entry. */
function startsKey(ch: string): boolean {
  return !'-[]{}%?&*!|>@`,.'.includes(ch);
}

function leadingSpaces(text: string, line: number): number {
  let i = line;
  while (text.charCodeAt(i) === 32) i++;
  return i - line;
}

function nextLine(text: string, line: number): number {
  const newline = text.indexOf('\n', line);
  return newline === -1 ? text.length : newline + 1;
}

/**
 * Parse consecutive entries on their own, indentation included (a block mapping may start indented, and
 * an explicit block scalar indentation counts from it): a block mapping whose entries start exactly where
 * the cut saw them.
 */
function parseEntries(text: string, chunks: Chunk[], column: number): Meaning[] | undefined {
  const base = chunks[0]!.start;
  const doc = parseDocument(text.slice(base, chunks[chunks.length - 1]!.end), PIECE_OPTIONS);
  if (doc.errors.length > 0) return undefined;
  const root = doc.contents;
  if (!isMap(root) || root.flow || root.tag || root.anchor || root.items.length !== chunks.length) return undefined;
  const meanings: Meaning[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const { key, value } = root.items[i]!;
    if (!isScalar(key) || key.tag || key.anchor || key.range?.[0] !== chunks[i]!.start - base + column) return undefined;
    meanings.push([keyString(key), viewOf(value, doc)]);
  }
  return meanings;
}
