/**
 * Turns "the template's JSON view changed from A to B" into the smallest text edits on the original
 * file. It walks the YAML AST beside both views and descends only where they differ, so every byte
 * outside a change stays as it was: comments, quoting, key order, blank lines, tags.
 *
 * Where a fine-grained edit cannot be made safely (a removal that would break a `- key:` line, say),
 * it replaces the smallest enclosing node instead; the caller re-parses the result and checks it.
 */
import { diffArrays } from 'diff';
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { longFormOfTag } from './intrinsics.js';
import { deepEqual, isPlainObject } from './json.js';
import {
  indentLines,
  renderJson,
  renderJsonPair,
  renderYamlAfterDash,
  renderYamlAfterKey,
  renderYamlDocument,
  renderYamlFlow,
  renderYamlItems,
  renderYamlPairs,
} from './render.js';
import type { JsonStyle, LineIndex, YamlStyle } from './style.js';
import { keyString, type Json } from './view.js';

export interface Edit {
  start: number;
  end: number;
  text: string;
}

type Place =
  | { kind: 'root' }
  | { kind: 'pair'; pair: Pair; map: YAMLMap }
  | { kind: 'item'; seq: YAMLSeq; index: number };

type AnyNode = Node | null | undefined;

export interface ReconcileInput {
  text: string;
  doc: Document.Parsed;
  lines: LineIndex;
  format: 'yaml' | 'json';
  yamlStyle: YamlStyle;
  jsonStyle: JsonStyle;
  eol: string;
}

export function reconcile(input: ReconcileInput, before: Json, after: Json): Edit[] {
  const reconciler = new Reconciler(input);
  reconciler.node(input.doc.contents as AnyNode, before, after, { kind: 'root' }, input.format === 'json');
  return reconciler.edits;
}

/** Apply non-overlapping edits; inserts at one offset keep the order they were made in. */
export function applyEdits(text: string, edits: Edit[]): string {
  const sorted = edits.map((edit, order) => ({ ...edit, order })).sort((a, b) => a.start - b.start || a.order - b.order);
  let out = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.start < cursor) throw new Error(`overlapping edits at offset ${edit.start}`);
    out += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return out + text.slice(cursor);
}

const isSpace = (ch: string | undefined) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';

class Reconciler {
  readonly edits: Edit[] = [];
  constructor(private readonly input: ReconcileInput) {}

  private get text() {
    return this.input.text;
  }

  node(node: AnyNode, before: Json, after: Json, place: Place, inFlow: boolean): void {
    if (deepEqual(before, after)) return;
    if (!node || isAlias(node)) return this.replace(node, after, place, inFlow);
    const tag = node.tag && node.tag.startsWith('!') && !node.tag.startsWith('!!') ? node.tag : undefined;
    if (tag) {
      const long = longFormOfTag(tag);
      const sameFunction = isPlainObject(before) && isPlainObject(after) && Object.keys(after).length === 1 && long in after && long in before;
      // A short-form argument that is a collection can be edited in place; a scalar one is re-written whole.
      if (sameFunction && !isScalar(node)) return this.collection(node, before[long]!, after[long]!, place, inFlow, long);
      return this.replace(node, after, place, inFlow);
    }
    this.collection(node, before, after, place, inFlow);
  }

  /**
   * Reconcile a map or sequence. `tagged` names the intrinsic when the collection is the argument of
   * a short form (`!If [...]`): re-writing it whole must then keep the function.
   */
  private collection(node: Node, before: Json, after: Json, place: Place, inFlow: boolean, tagged?: string): void {
    if (isMap(node) && isPlainObject(before) && isPlainObject(after)) return this.map(node, before, after, place, inFlow, tagged);
    if (isSeq(node) && Array.isArray(before) && Array.isArray(after)) return this.seq(node, before, after, place, inFlow, tagged);
    this.replace(node, tagged ? { [tagged]: after } : after, place, inFlow);
  }

  private map(map: YAMLMap, before: { [k: string]: Json }, after: { [k: string]: Json }, place: Place, inFlow: boolean, tagged?: string): void {
    const flow = inFlow || Boolean(map.flow);
    const whole = () => this.replace(map, tagged ? { [tagged]: after } : after, place, inFlow);
    const pairs = map.items as Pair[];
    const present = new Set(pairs.map((p) => keyString(p.key)));
    const removed = pairs.filter((p) => !(keyString(p.key) in after));
    const added = Object.keys(after).filter((k) => !present.has(k));
    // Emptying a map, or removing and adding in one flow map (both at its end), re-writes the map whole.
    if (removed.length === pairs.length || (flow && removed.length > 0 && added.length > 0)) return whole();
    if (removed.length > 0 && !flow && !removed.every((p) => this.ownsLine(p.key as Node))) return whole();
    // With duplicate keys (accepted on request) the view holds the last entry: only that one is edited.
    const winner = new Map(pairs.map((pair) => [keyString(pair.key), pair]));
    for (const pair of pairs) {
      const key = keyString(pair.key);
      if (key in after && winner.get(key) === pair) this.node(pair.value as AnyNode, before[key] ?? null, after[key]!, { kind: 'pair', pair, map }, flow);
    }
    this.removeEntries(map, removed.map((pair) => pairs.indexOf(pair)), flow);
    if (added.length > 0) this.insertPairs(map, added.map((k) => [k, after[k]!] as [string, Json]), flow);
  }

  private seq(seq: YAMLSeq, before: Json[], after: Json[], place: Place, inFlow: boolean, tagged?: string): void {
    const flow = inFlow || Boolean(seq.flow);
    const items = seq.items as AnyNode[];
    const plan = planSequence(before, after);
    // Fall back to re-writing the list whole where a fine-grained edit would not be safe; decide before any edit is made.
    const whole =
      items.length === 0 ||
      plan.removes.length === items.length ||
      (flow && plan.removes.length > 0 && plan.inserts.length > 0) ||
      (flow && plan.inserts.some((insert) => insert.before < items.length)) ||
      (!flow && plan.removes.some((index) => !this.dashOwnsLine(items[index]))) ||
      (!flow && plan.inserts.some((insert) => insert.before === 0 && !this.dashOwnsLine(items[0])));
    if (whole) return this.replace(seq, tagged ? { [tagged]: after } : after, place, inFlow);
    for (const { index, value } of plan.updates) this.node(items[index], before[index]!, value, { kind: 'item', seq, index }, flow);
    this.removeEntries(seq, plan.removes, flow);
    for (const insert of plan.inserts) this.insertItems(seq, insert.before, insert.values, flow);
  }

  // ---- geometry -------------------------------------------------------------------------------

  /** Start of a node including its tag and anchor (`!Ref X` starts at `!`). */
  private startOf(node: Node): number {
    let start = node.range![0];
    for (let round = 0; round < 2; round++) {
      let j = start;
      while (j > 0 && isSpace(this.text[j - 1])) j--;
      let i = j;
      while (i > 0 && !isSpace(this.text[i - 1]) && !',[{'.includes(this.text[i - 1]!)) i--;
      const token = this.text.slice(i, j);
      if (token.length > 1 && (token[0] === '!' || token[0] === '&')) start = i;
      else break;
    }
    return start;
  }

  /** End of a node's content, without the trailing line breaks that block nodes include. */
  private endOf(node: Node): number {
    const start = node.range![0];
    let end = node.range![1];
    while (end > start && isSpace(this.text[end - 1])) end--;
    return end;
  }

  private endOfLine(offset: number): number {
    const nl = this.text.indexOf('\n', offset);
    if (nl === -1) return this.text.length;
    return this.text[nl - 1] === '\r' ? nl - 1 : nl;
  }

  /** Offset just past the line break that ends the line holding `offset`. */
  private nextLineStart(offset: number): number {
    const nl = this.text.indexOf('\n', offset);
    return nl === -1 ? this.text.length : nl + 1;
  }

  private lineStart(offset: number): number {
    return this.input.lines.lineStart(offset);
  }

  private column(offset: number): number {
    return this.input.lines.columnOf(offset);
  }

  /** Only white space stands before this node on its line. */
  private ownsLine(node: Node | null | undefined): boolean {
    if (!node?.range) return false;
    const start = this.startOf(node);
    return /^[ \t]*$/.test(this.text.slice(this.lineStart(start), start));
  }

  private dashOf(item: AnyNode): number {
    if (!item?.range) return -1;
    let i = this.startOf(item) - 1;
    while (i >= 0 && (this.text[i] === ' ' || this.text[i] === '\t')) i--;
    return this.text[i] === '-' ? i : -1;
  }

  private dashOwnsLine(item: AnyNode): boolean {
    const dash = this.dashOf(item);
    return dash !== -1 && /^[ \t]*$/.test(this.text.slice(this.lineStart(dash), dash));
  }

  private entryStart(collection: YAMLMap | YAMLSeq, index: number): number {
    const entry = collection.items[index] as Pair | AnyNode;
    if (isMap(collection)) return this.startOf((entry as Pair).key as Node);
    return this.startOf(entry as Node);
  }

  private entryEnd(collection: YAMLMap | YAMLSeq, index: number): number {
    if (isMap(collection)) {
      const pair = collection.items[index] as Pair;
      const value = pair.value as AnyNode;
      if (value?.range) return this.endOf(value);
      return this.colonAfter(pair.key as Node) + 1;
    }
    return this.endOf(collection.items[index] as Node);
  }

  private colonAfter(key: Node): number {
    let i = key.range![1];
    while (i < this.text.length && this.text[i] !== ':') i++;
    return i;
  }

  private lineIndent(offset: number): string {
    const start = this.lineStart(offset);
    return /^[ \t]*/.exec(this.text.slice(start, offset))![0];
  }

  private eolize(text: string): string {
    return this.input.eol === '\n' ? text : text.replace(/\n/g, this.input.eol);
  }

  private edit(start: number, end: number, text: string): void {
    this.edits.push({ start, end, text: this.eolize(text) });
  }

  // ---- edits ----------------------------------------------------------------------------------

  private renderFlow(value: Json, indent: string): string {
    if (this.input.format === 'json') return indentLines(renderJson(value, this.input.jsonStyle), indent);
    return renderYamlFlow(value, this.input.yamlStyle);
  }

  private replace(node: AnyNode, value: Json, place: Place, inFlow: boolean): void {
    const style = this.input.yamlStyle;
    if (place.kind === 'root') {
      if (!node?.range) throw new Error('cannot replace an empty document');
      const start = this.startOf(node);
      const text = inFlow ? this.renderFlow(value, '') : renderYamlDocument(value, style);
      return this.edit(start, this.endOf(node), text);
    }
    if (inFlow) {
      if (node?.range) {
        const start = this.startOf(node);
        return this.edit(start, this.endOf(node), this.renderFlow(value, this.lineIndent(start)));
      }
      if (place.kind === 'pair') {
        const colon = this.colonAfter(place.pair.key as Node);
        return this.edit(colon + 1, colon + 1, ' ' + this.renderFlow(value, this.lineIndent(colon)));
      }
      throw new Error('cannot place a value in an empty flow item');
    }
    // A flow collection (`[a, b]`, `!If [C, x, y]`) re-written whole stays in flow style while it
    // stays short; an empty `[]` or `{}` that gets content becomes a block, as a person would write it.
    if (node && (isMap(node) || isSeq(node)) && node.flow && node.items.length > 0 && this.input.format === 'yaml') {
      const flow = renderYamlFlow(value, style);
      if (!flow.includes('\n') && this.column(this.startOf(node)) + flow.length <= 120) {
        const start = place.kind === 'pair' ? this.colonAfter(place.pair.key as Node) + 1 : this.dashOf(node) + 1;
        return this.edit(start, this.endOf(node), ' ' + flow);
      }
    }
    if (place.kind === 'pair') {
      const key = place.pair.key as Node;
      const colon = this.colonAfter(key);
      const end = node?.range ? this.endOf(node) : colon + 1;
      const indent = ' '.repeat(this.column(this.startOf(key)));
      const text = renderYamlAfterKey(keyString(key), value, style);
      return this.edit(colon + 1, Math.max(end, colon + 1), indentLines(text, indent));
    }
    const dash = this.dashOf(node);
    if (dash === -1) throw new Error('cannot find the dash of a sequence item');
    const end = node?.range ? this.endOf(node) : dash + 1;
    this.edit(dash + 1, end, indentLines(renderYamlAfterDash(value, style), ' '.repeat(this.column(dash))));
  }

  /**
   * Insert whole lines after the line holding `anchor`. They go at the start of the next line, so
   * that an edit removing the anchor's line (the last item of a list, say) does not overlap them.
   */
  private insertLinesAfter(anchor: number, lines: string): void {
    const end = this.endOfLine(anchor);
    if (end === this.text.length) return this.edit(end, end, '\n' + lines); // last line, no final line break
    const next = this.nextLineStart(end);
    this.edit(next, next, lines + '\n');
  }

  /** Is there a blank line between the last two entries of a block map? */
  private blankLineBetween(pairs: Pair[]): boolean {
    if (pairs.length < 2) return false;
    const previousEnd = this.endOfLine(this.entryEndOfPair(pairs[pairs.length - 2]!));
    const lastStart = this.lineStart(this.startOf(pairs[pairs.length - 1]!.key as Node));
    return /\n[ \t]*\r?\n/.test(this.text.slice(previousEnd, lastStart));
  }

  private entryEndOfPair(pair: Pair): number {
    const value = pair.value as AnyNode;
    return value?.range ? this.endOf(value) : this.colonAfter(pair.key as Node) + 1;
  }

  private insertPairs(map: YAMLMap, entries: Array<[string, Json]>, flow: boolean): void {
    const pairs = map.items as Pair[];
    if (pairs.length === 0) throw new Error('cannot insert into an empty map without replacing it');
    const last = pairs.length - 1;
    const anchor = this.entryEnd(map, last);
    if (!flow) {
      const firstKey = pairs[0]!.key as Node;
      const indent = ' '.repeat(this.column(this.startOf(firstKey)));
      // Where the map's entries stand apart (resources separated by a blank line), new ones do too.
      const separator = this.blankLineBetween(pairs) ? '\n' : '';
      const lines = entries.map((entry) => separator + indent + indentLines(renderYamlPairs([entry], this.input.yamlStyle), indent));
      return this.insertLinesAfter(anchor, lines.join('\n'));
    }
    this.edit(anchor, anchor, this.flowEntries(map, entries.map(([k, v]) => ({ key: k, value: v }))));
  }

  /** `, a: 1` (single line) or `,\n    "a": 1` (multi-line), matching the collection's own layout. */
  private flowEntries(collection: YAMLMap | YAMLSeq, entries: Array<{ key?: string; value: Json }>): string {
    const firstStart = this.entryStart(collection, 0);
    const lastStart = this.entryStart(collection, collection.items.length - 1);
    const multiline = this.text.slice(collection.range![0], firstStart).includes('\n');
    const indent = multiline ? this.lineIndent(lastStart) : '';
    const json = this.input.format === 'json';
    return entries
      .map(({ key, value }) => {
        let text: string;
        if (key === undefined) text = this.renderFlow(value, indent);
        else if (json) text = indentLines(renderJsonPair(key, value, this.input.jsonStyle), indent);
        else text = renderYamlFlow({ [key]: value }, this.input.yamlStyle).replace(/^\{ ?/, '').replace(/ ?\}$/, '');
        return multiline ? `,\n${indent}${text}` : `, ${text}`;
      })
      .join('');
  }

  private insertItems(seq: YAMLSeq, before: number, values: Json[], flow: boolean): void {
    const items = seq.items as AnyNode[];
    if (flow) {
      const anchor = this.entryEnd(seq, items.length - 1);
      return this.edit(anchor, anchor, this.flowEntries(seq, values.map((value) => ({ value }))));
    }
    const indent = ' '.repeat(this.column(seq.range![0]));
    const rendered = indentLines(renderYamlItems(values, this.input.yamlStyle), indent);
    if (before === 0) {
      const at = this.lineStart(this.dashOf(items[0]));
      return this.edit(at, at, indent + rendered + '\n');
    }
    // Right after the previous item: comments above the next item stay with it.
    this.insertLinesAfter(this.entryEnd(seq, before - 1), indent + rendered);
  }

  /**
   * Remove entries by index. In flow collections adjacent entries go in one edit, separators
   * included, so that their ranges cannot overlap.
   */
  private removeEntries(collection: YAMLMap | YAMLSeq, indices: number[], flow: boolean): void {
    if (!flow) {
      for (const index of indices) {
        const start = isMap(collection) ? this.startOf((collection.items[index] as Pair).key as Node) : this.dashOf(collection.items[index] as AnyNode);
        this.edit(this.lineStart(start), this.nextLineStart(this.endOfLine(this.entryEnd(collection, index))), '');
      }
      return;
    }
    const count = collection.items.length;
    for (const [first, last] of runs(indices)) {
      // Take the separators with the run: the comma before it, or, for a run at the start, the one after it.
      if (first > 0) this.edit(this.entryEnd(collection, first - 1), this.entryEnd(collection, last), '');
      else this.edit(this.entryStart(collection, 0), last + 1 < count ? this.entryStart(collection, last + 1) : this.entryEnd(collection, last), '');
    }
  }
}

/** Consecutive runs of sorted indices: [1, 2, 4] → [[1, 2], [4, 4]]. */
function runs(indices: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const index of [...indices].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && last[1] === index - 1) last[1] = index;
    else out.push([index, index]);
  }
  return out;
}

interface SequencePlan {
  updates: Array<{ index: number; value: Json }>;
  removes: number[];
  inserts: Array<{ before: number; values: Json[] }>;
}

/**
 * How to turn one list into another with the fewest item edits: a hunk that replaces k items by m
 * updates min(k, m) of them in place (keeping comments around them) and removes or inserts the rest.
 */
function planSequence(before: Json[], after: Json[]): SequencePlan {
  const plan: SequencePlan = { updates: [], removes: [], inserts: [] };
  const changes = diffArrays(before, after, { comparator: deepEqual });
  let index = 0;
  for (let c = 0; c < changes.length; c++) {
    const change = changes[c]!;
    if (!change.added && !change.removed) {
      index += change.value.length;
      continue;
    }
    const removed = change.removed ? change.value : [];
    const added = change.removed && changes[c + 1]?.added ? changes[++c]!.value : change.added ? change.value : [];
    const paired = Math.min(removed.length, added.length);
    for (let i = 0; i < paired; i++) plan.updates.push({ index: index + i, value: added[i]! });
    for (let i = paired; i < removed.length; i++) plan.removes.push(index + i);
    if (added.length > paired) plan.inserts.push({ before: index + removed.length, values: added.slice(paired) });
    index += removed.length;
  }
  return plan;
}
