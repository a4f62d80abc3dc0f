/**
 * A CloudFormation template (YAML or JSON, SAM included) as stackfix edits it.
 *
 * Transforms read `template`, a plain JSON view, and hand back RFC 6902 operations. The document
 * applies them to the view copy-on-write (untouched subtrees keep their identity), and `print()`
 * reconciles the original text with the new view into minimal splices, then re-parses its own output
 * to prove that the text says exactly what the view says. Nothing unverified leaves this class.
 */
import type { Operation } from 'fast-json-patch';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, Parser, type CST, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { engineError, inputError, type LinePos } from '../../errors.js';
import { parsePointer } from '../pointer.js';
import { detectEol, type SourceText } from '../source.js';
import { CFN_YAML_SCHEMA, CFN_YAML_TAGS, longFormOfTag } from './intrinsics.js';
import { isPlainObject } from './json.js';
import { applyEdits, reconcile } from './reconcile.js';
import { applyCopyOnWrite } from './copy-on-write.js';
import { printedMeans } from './verify-print.js';
import { detectJsonStyle, detectYamlStyle, LineIndex, type JsonStyle, type YamlStyle } from './style.js';
import { keyString, viewOf, type Json } from './view.js';

export type Template = { [key: string]: Json };

export interface ParseOptions {
  /** Accept duplicate mapping keys, the last one winning, as CloudFormation does. */
  allowDuplicateKeys?: boolean;
}

export class CfnDocument {
  readonly format: 'yaml' | 'json';
  /** The view as parsed; `template` is the view after the operations applied so far. */
  readonly original: Template;
  private current: Template;
  private readonly lines: LineIndex;
  readonly warnings: string[];

  private constructor(
    readonly source: SourceText,
    private readonly ast: Document.Parsed,
    view: Template,
    format: 'yaml' | 'json',
    warnings: string[],
    private readonly hasAliases: boolean,
  ) {
    this.format = format;
    this.original = view;
    this.current = view;
    this.lines = new LineIndex(source.body);
    this.warnings = warnings;
  }

  /** Parse a template. Throws a StackfixError('input') with file, line and column when the text is malformed. */
  static parse(source: SourceText, options: ParseOptions = {}): CfnDocument {
    const format = looksLikeJson(source.body) ? 'json' : 'yaml';
    const lineCounter = new LineCounter();
    const ast = parseDocument(source.body, {
      lineCounter,
      // The schema built once, unless a `%YAML` directive may ask for another one (a given schema wins).
      ...(/^%/m.test(source.body) ? { customTags: CFN_YAML_TAGS } : { schema: CFN_YAML_SCHEMA }),
      // yaml's own duplicate-key check compares each key with every earlier one (quadratic: minutes on a
      // 20 MB template); checkTree does it with a set, in the same pass as the alias checks.
      uniqueKeys: false,
      prettyErrors: false,
      strict: false,
    });
    const fatal = ast.errors[0];
    if (fatal) {
      if (fatal.code === 'RESOURCE_EXHAUSTION') {
        // The parser ran out of stack: say how deep the text nests, where, deterministically.
        const deepest = deepestCollection(source.body);
        const pos = lineCounter.linePos(deepest.offset);
        throw inputError(`invalid ${format.toUpperCase()}: nested ${deepest.depth} levels deep, too deep to parse`, source.path, { line: pos.line, column: pos.col });
      }
      const pos = lineCounter.linePos(fatal.pos[0]);
      // yaml's own wording of this one speaks to programmers (use parseAllDocuments()).
      const message = fatal.code === 'MULTIPLE_DOCS' ? 'a template is one YAML document; a second one starts here' : firstLine(fatal.message);
      throw inputError(`invalid ${format.toUpperCase()}: ${message}`, source.path, { line: pos.line, column: pos.col });
    }
    const { hasAliases } = checkTree(ast, { allowDuplicateKeys: options.allowDuplicateKeys === true, fail: (offset, message) => {
      const pos = lineCounter.linePos(offset);
      throw inputError(`invalid ${format.toUpperCase()}: ${message}`, source.path, { line: pos.line, column: pos.col });
    } });
    let view: Json;
    if (format === 'json') {
      try {
        view = JSON.parse(source.body) as Json;
      } catch (error) {
        // yaml accepted it (JSON with comments, say) but it is not JSON: say where JSON.parse stopped.
        const match = /position (\d+)/.exec(String(error));
        const pos = match ? lineCounter.linePos(Number(match[1])) : undefined;
        // The position is in line/column already; V8's own wording of it differs between Node versions.
        const message = (error as Error).message.replace(/ at position \d+.*$/s, '');
        throw inputError(`invalid JSON: ${message}`, source.path, pos ? { line: pos.line, column: pos.col } : undefined);
      }
    } else {
      view = viewOf(ast.contents, ast);
    }
    if (!isPlainObject(view)) throw inputError('not a CloudFormation template: the top level is not a mapping', source.path);
    const warnings = ast.warnings.filter((w) => w.code !== 'TAG_RESOLVE_FAILED').map((w) => firstLine(w.message));
    if (options.allowDuplicateKeys) warnings.push(...duplicateKeyWarnings(ast, lineCounter));
    return new CfnDocument(source, ast, view, format, warnings, hasAliases);
  }

  get template(): Template {
    return this.current;
  }

  get changed(): boolean {
    return this.current !== this.original;
  }

  /**
   * Apply one fix's operations, all or none. Throws (leaving the document as it was) when an
   * operation does not apply: a failed `test`, a missing path.
   */
  applyOps(ops: readonly Operation[]): void {
    let next: Json = this.current;
    const fresh = new Set<object>();
    for (const op of ops) next = applyCopyOnWrite(next, op, fresh);
    if (!isPlainObject(next)) throw new Error('an operation replaced the template with a non-object');
    this.current = next;
  }

  /** Go back to a view this document had before (one `template` returned earlier): undoes later fixes. */
  revertTo(view: Template): void {
    this.current = view;
  }

  /** The new text (without BOM), or the original when nothing changed. */
  print(): string {
    if (!this.changed) return this.source.body;
    const yamlStyle: YamlStyle =
      this.format === 'yaml' ? detectYamlStyle(this.ast, this.lines) : { indent: 2, indentSeq: true, singleQuote: false, shortTags: false };
    const jsonStyle: JsonStyle = detectJsonStyle(this.source.body);
    const edits = reconcile(
      { text: this.source.body, doc: this.ast, lines: this.lines, format: this.format, yamlStyle, jsonStyle, eol: this.source.eol },
      this.original,
      this.current,
    );
    const text = applyEdits(this.source.body, edits);
    this.verify(text);
    return text;
  }

  /** Re-read what print() produced: it must parse cleanly and mean exactly the new view (see verify-print.ts). */
  private verify(text: string): void {
    const original = { text: this.source.body, ast: this.ast, view: this.original, hasAliases: this.hasAliases };
    const verdict = printedMeans(text, this.current, original, this.format);
    if (!verdict.ok && verdict.parseError !== undefined) {
      throw engineError(`a fix produced unparsable text (${firstLine(verdict.parseError)}); nothing was written`, this.source.path);
    }
    if (!verdict.ok) {
      throw engineError('a fix could not be printed faithfully (the printed text reads differently); nothing was written', this.source.path);
    }
    if (this.source.eol === '\r\n' && detectEol(text) !== '\r\n') throw engineError('a fix changed the line endings', this.source.path);
  }

  /**
   * Line and column of what a pointer names: the key of a map entry (where a reader looks for
   * `Table:`), an item of a sequence, or the nearest existing ancestor for something a fix created.
   */
  locate(ptr: string): LinePos | undefined {
    const offset = this.offsetOf(ptr);
    if (offset === undefined) return undefined;
    return { line: this.lines.lineOf(offset) + 1, column: this.lines.columnOf(offset) + 1 };
  }

  private offsetOf(ptr: string): number | undefined {
    let node = this.ast.contents as Node | null;
    let found = node?.range?.[0];
    for (const segment of parsePointer(ptr)) {
      if (!node) break;
      // Inside a short form the long-form key (`Fn::Sub`) names the tagged node itself.
      if (node.tag && node.tag.startsWith('!') && longFormOfTag(node.tag) === segment) continue;
      if (isMap(node)) {
        const pair = pairsByKey(node).get(segment);
        if (!pair) break;
        found = (pair.key as Node | null)?.range?.[0] ?? found;
        node = (pair.value as Node | null) ?? null;
      } else if (isSeq(node)) {
        node = (node.items[Number(segment)] as Node | undefined) ?? null;
        if (!node) break;
        found = node.range?.[0] ?? found;
      } else break;
    }
    return found;
  }
}

/** A map's entries by key (the last of equal keys, as in the view), made once per map: findings locate thousands. */
const pairIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairsByKey(map: YAMLMap): Map<string, Pair> {
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) index.set(keyString(pair.key), pair);
    pairIndexes.set(map, index);
  }
  return index;
}

function looksLikeJson(text: string): boolean {
  // YAML can start with a flow mapping too, but templates that do are JSON in practice.
  return /^\s*[{[]/.test(text);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** Aliases may add at most this many nodes to what the text spells out (a "billion laughs" bomb adds billions). */
export const MAX_ALIAS_EXPANSION = 1_000_000;

/**
 * One pass over the syntax tree, before the view is built from it: the first duplicate key (unless
 * allowed), and aliases the view could not be built from: one with no anchor before it, one inside the
 * node it names (endless), and aliases that expand to more than MAX_ALIAS_EXPANSION nodes. Sizes are
 * counted per anchored node, never by expanding, so the check is linear in the text.
 */
function checkTree(ast: Document.Parsed, options: { allowDuplicateKeys: boolean; fail: (offset: number, message: string) => never }): { hasAliases: boolean } {
  const { fail } = options;
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let added = 0;
  let hasAliases = false;
  const walk = (node: unknown): number => {
    if (!node || typeof node !== 'object') return 0;
    if (isAlias(node)) {
      hasAliases = true;
      const offset = node.range?.[0] ?? 0;
      const target = anchors.get(node.source);
      if (!target) return fail(offset, `alias *${node.source} has no anchor &${node.source} before it`);
      if (open.has(target)) return fail(offset, `alias *${node.source} is inside the node it names, so it never ends`);
      const size = sizes.get(target) ?? 1;
      added += size;
      if (added > MAX_ALIAS_EXPANSION) return fail(offset, `aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes (an alias bomb?)`);
      return size;
    }
    const anchored = (node as Node).anchor;
    if (anchored) anchors.set(anchored, node as Node);
    let size = 1;
    // Only an anchored node can be named by an alias inside it.
    if (anchored) open.add(node as Node);
    if (isMap(node)) {
      const seen = options.allowDuplicateKeys ? undefined : new Set<unknown>();
      for (const pair of node.items) {
        if (seen && isScalar(pair.key)) {
          if (seen.has(pair.key.value)) {
            return fail(pair.key.range?.[0] ?? 0, 'Map keys must be unique (set allowDuplicateKeys: true to let the last one win, as CloudFormation does)');
          }
          seen.add(pair.key.value);
        }
        size += walk(pair.key) + walk(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) size += walk(item);
    }
    if (anchored) {
      open.delete(node as Node);
      sizes.set(node as Node, size);
    }
    return size;
  };
  walk(ast.contents);
  return { hasAliases };
}

/** The deepest collection of a text the parser could not compose: its depth and where it starts (the first, when several are as deep). */
function deepestCollection(text: string): { depth: number; offset: number } {
  let deepest = { depth: 0, offset: 0 };
  // The CST parser keeps its own stack, so it reads any depth; walk its tokens without recursion either.
  const stack: Array<{ token: CST.Token | null | undefined; depth: number }> = [...new Parser().parse(text)].reverse().map((token) => ({ token, depth: 0 }));
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const { token } = entry;
    if (!token) continue;
    let depth = entry.depth;
    const children: Array<CST.Token | null | undefined> = [];
    if (token.type === 'document') children.push(token.value);
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      depth++;
      if (depth > deepest.depth) deepest = { depth, offset: token.offset };
      for (const item of token.items) children.push('key' in item ? item.key : undefined, item.value);
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push({ token: children[i], depth });
  }
  return deepest;
}

function duplicateKeyWarnings(ast: Document.Parsed, lines: LineCounter): string[] {
  const out: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (!node || typeof node !== 'object') return;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = keyString(pair.key);
        if (seen.has(key)) {
          const offset = (pair.key as Node | null)?.range?.[0] ?? 0;
          out.push(`duplicate key ${path}${key} (line ${lines.linePos(offset).line}); the last one is used`);
        }
        seen.add(key);
        walk(pair.value, `${path}${key}.`);
      }
    } else if ('items' in node && Array.isArray((node as { items: unknown[] }).items)) {
      (node as { items: unknown[] }).items.forEach((item, i) => walk(item, `${path}${i}.`));
    }
  };
  walk(ast.contents, '');
  return out;
}
