/** Edits this transform makes with ts-morph directly, made safe to run one after another in a pass. */
import type { Node, Statement } from 'ts-morph';
import type { CdkSource } from '../../../src/document/cdk/index.js';

/**
 * A node, found again by its kind and text when an earlier fix of the same pass rewrote the code
 * around it (an insertion after a statement that ends with a comment rewrites the whole block).
 */
export function relocatable<T extends Node>(node: T): () => T {
  const kind = node.getKind();
  const text = node.getText();
  const file = node.getSourceFile();
  return () => {
    if (!node.wasForgotten()) return node;
    const same = file.getDescendantsOfKind(kind).filter((n) => n.getText() === text);
    if (same.length !== 1) throw new Error(`\`${text}\` cannot be found again after an earlier edit`);
    return same[0] as unknown as T;
  };
}

/**
 * Replaces a statement with statements written one per line at its indent; a comment that ends its
 * line stays at the end of the last one.
 */
export function replaceStatement(source: CdkSource, statement: Statement, lines: string[]): void {
  source.applyStyle();
  if (lines.length === 0) {
    statement.remove();
    return;
  }
  const end = source.style.semicolons ? ';' : '';
  statement.replaceWithText(lines.map((line) => `${line.replace(/;$/, '')}${end}`).join(source.style.eol));
}
