/**
 * Applies text edits to a ts-morph tree while keeping node objects usable. ts-morph forgets nodes
 * inside a replaced range; a transform may hold several `ConstructCall`s of one file and fix them one
 * after another, so every construct call made by a source is tracked and re-attached to its new node
 * after an edit that forgot it.
 */
import { Node, SyntaxKind, ts, type CodeBlockWriter, type SourceFile, type SyntaxList } from 'ts-morph';
import { applySplices, type Splice } from './text-edit.js';

/** Something that holds a node of the file and can be pointed at its replacement. */
export interface Tracked {
  readonly node: Node;
  rebind(node: Node): void;
}

export class Editor {
  private readonly tracked = new Set<Tracked>();

  /** `prepare` runs before every edit; it applies the file's style to the project. */
  constructor(
    readonly file: SourceFile,
    private readonly prepare: () => void,
  ) {}

  track(item: Tracked): void {
    this.tracked.add(item);
  }

  /**
   * Applies `splices` (file offsets, non-overlapping) by rewriting `container`, a node that holds them
   * all. ts-morph keeps the container's own node object when the new text parses to the same kind;
   * its descendants are forgotten, and tracked ones are re-attached.
   */
  splice(container: Node, splices: Splice[]): void {
    if (splices.length === 0) return;
    this.prepare();
    const fullText = this.file.getFullText();
    const start = Node.isSourceFile(container) ? 0 : container.getStart(true);
    const end = container.getEnd();
    for (const splice of splices) {
      if (splice.start < start || splice.end > end || splice.start > splice.end) {
        throw new Error(`Edit [${splice.start}, ${splice.end}) is outside the node it rewrites [${start}, ${end})`);
      }
    }
    const newText = applySplices(fullText.slice(start, end), start, splices);
    const before = this.snapshot();
    // ts-morph's second, undocumented argument is the writer the text goes through; its own writers
    // re-indent the lines of multi-line text and rewrite line breaks, this one writes the text as is.
    (container as unknown as { replaceWithText(text: string, writer: CodeBlockWriter): Node }).replaceWithText(newText, verbatimWriter());
    if (this.file.getFullText() !== applySplices(fullText, 0, splices)) {
      throw new Error(`ts-morph did not write the edit of ${this.file.getFilePath()} as given`);
    }
    this.reattach(before, {
      start: Math.min(...splices.map((s) => s.start)),
      end: Math.max(...splices.map((s) => s.end)),
      delta: splices.reduce((sum, s) => sum + s.text.length - (s.end - s.start), 0),
    });
  }

  /**
   * Inserts `text` (written out in full, indentation included) as new children at `index` of a
   * statement list. ts-morph puts a line break before it and keeps every existing node.
   */
  insertStatements(list: SyntaxList, index: number, text: string): void {
    this.prepare();
    list.insertChildText(index, (writer) => {
      writer.queueIndentationLevel(0);
      writer.setIndentationLevel(0);
      writer.write(text);
    });
  }

  private snapshot(): Map<Tracked, { start: number; end: number; kind: SyntaxKind }> {
    const out = new Map<Tracked, { start: number; end: number; kind: SyntaxKind }>();
    for (const item of this.tracked) {
      const node = item.node;
      if (!node.wasForgotten()) out.set(item, { start: node.getStart(), end: node.getEnd(), kind: node.getKind() });
    }
    return out;
  }

  private reattach(before: Map<Tracked, { start: number; end: number; kind: SyntaxKind }>, change: { start: number; end: number; delta: number }): void {
    for (const [item, range] of before) {
      if (!item.node.wasForgotten()) continue;
      const moved = mapRange(range, change);
      const node = moved && findNode(this.file, moved.start, moved.end, range.kind);
      if (node) item.rebind(node);
      else this.tracked.delete(item);
    }
  }
}

/**
 * Where a node's range goes when `[start, end)` is replaced by text `delta` characters longer:
 * unchanged before it, shifted after it, stretched when it holds it, lost when it overlaps it.
 * An insertion at a node's start goes before the node; at its end, after it.
 */
export function mapRange(
  range: { start: number; end: number },
  change: { start: number; end: number; delta: number },
): { start: number; end: number } | undefined {
  const { start: a, end: b, delta } = change;
  if (a === b ? range.end <= a && range.start < a : range.end <= a) return range;
  if (range.start >= b) return { start: range.start + delta, end: range.end + delta };
  // A node whose whole text was replaced is gone, even if something of its kind took its place.
  const replaced = a < b && range.start === a && range.end === b;
  if (range.start <= a && range.end >= b && !replaced) return { start: range.start, end: range.end + delta };
  return undefined;
}

function findNode(file: SourceFile, start: number, end: number, kind: SyntaxKind): Node | undefined {
  let node: Node | undefined = file.getDescendantAtPos(start);
  while (node && !Node.isSourceFile(node) && node.getStart() === start) {
    if (node.getKind() === kind && node.getEnd() === end) return node;
    node = node.getParent();
  }
  return undefined;
}

/** A writer that writes text as given: ts-morph's own re-indents the lines of multi-line text. */
function verbatimWriter(): CodeBlockWriter {
  let text = '';
  const writer = {
    write(value: string) {
      text += value;
      return writer;
    },
    toString: () => text,
  };
  return writer as unknown as CodeBlockWriter;
}

/** True when `text` parses as one expression, so an edit cannot break the file's syntax. */
export function isExpressionText(text: string): boolean {
  const source = ts.createSourceFile('x.ts', `(\n${text}\n);`, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const diagnostics = (source as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? [];
  const [statement] = source.statements;
  if (diagnostics.length > 0 || source.statements.length !== 1 || !statement || !ts.isExpressionStatement(statement)) return false;
  const wrapped = statement.expression;
  // `1, 2` parses inside the parentheses too, but would become two arguments or properties.
  return ts.isParenthesizedExpression(wrapped) &&
    !(ts.isBinaryExpression(wrapped.expression) && wrapped.expression.operatorToken.kind === ts.SyntaxKind.CommaToken);
}
