/**
 * The piecewise proof that printed text means the new view (src/document/cfn/verify-print.ts).
 *
 * Two things matter: it is sound (whenever it says "proven", a full re-parse agrees; checked on every
 * corpus output and on thousands of corrupted copies of them), and it is actually used (the corpus
 * outputs are proven piecewise, not all sent to the full parse).
 */
import { realpathSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseDocument, visit } from 'yaml';
import { CfnDocument } from '../src/document/cfn/index.js';
import { CFN_YAML_TAGS } from '../src/document/cfn/intrinsics.js';
import { viewOf, type Json } from '../src/document/cfn/view.js';
import { fullParseMeans, provenByEntries, type PrintedOriginal } from '../src/document/cfn/verify-print.js';
import { toSourceText } from '../src/document/source.js';
import { prepareTransforms } from '../src/pipeline/prepare.js';
import { runFile } from '../src/pipeline/run-file.js';
import { CORPUS_DIR, corpusEntries } from './helpers/corpus.js';

function originalOf(text: string): PrintedOriginal {
  const ast = parseDocument(text, { customTags: CFN_YAML_TAGS, uniqueKeys: false, strict: false });
  let hasAliases = false;
  visit(ast, { Alias: () => void (hasAliases = true) });
  return { text, ast, view: viewOf(ast.contents, ast) as { [key: string]: Json }, hasAliases };
}

const viewOfText = (name: string, text: string) => CfnDocument.parse(toSourceText(name, text), { allowDuplicateKeys: true }).template;

const transforms = await prepareTransforms({});
const root = realpathSync(CORPUS_DIR);
/** The corpus's YAML templates with what all transforms made of them. */
const outputs = await Promise.all(
  corpusEntries()
    .filter((entry) => !entry.notes.includes('PARSE-ERROR') && !/^\s*[{[]/.test(entry.text))
    .map(async (entry) => {
      const [result] = await runFile([toSourceText(entry.name, entry.text)], transforms, { root, allowDuplicateKeys: true });
      const output = result!.output.replace(/^\uFEFF/, '');
      return { name: entry.name, original: originalOf(entry.text), output, expected: viewOfText(entry.name, output) };
    }),
);

describe('piecewise verification of printed templates', () => {
  test('proves every changed corpus template without a full re-parse', () => {
    const changed = outputs.filter((o) => o.output !== o.original.text);
    expect(changed.length).toBeGreaterThan(15);
    const notProven = changed.filter((o) => !o.original.hasAliases && !provenByEntries(o.output, o.expected, o.original));
    expect(notProven.map((o) => o.name)).toEqual([]);
  });

  test('says "not proven" when the text means something else than the view', () => {
    const { original, output, expected } = outputs.find((o) => o.output !== o.original.text && !o.original.hasAliases)!;
    expect(provenByEntries(output, expected, original)).toBe(true);
    // The view says one thing more than the text: not proven, and the full parse agrees.
    const more = { ...expected, Extra: 'x' };
    expect(provenByEntries(output, more, original)).toBe(false);
    expect(fullParseMeans(output, more).ok).toBe(false);
  });

  test("is sound: whatever it proves, a full re-parse confirms (corrupted outputs)", { timeout: 60_000 + Number(process.env.FUZZ_RUNS ?? 100) * 200 }, () => {
    let proven = 0;
    const cases = outputs.filter((o) => !o.original.hasAliases);
    const edits = fc.oneof(
      // delete, insert or replace one character somewhere
      fc.record({ kind: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), ch: fc.constantFrom(' ', '\n', '"', "'", ':', '-', '#', '|', '&', '*', '{', 'a', '\t') }),
      // indent or outdent one line
      fc.record({ kind: fc.constant('indent' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), by: fc.constantFrom(-2, -1, 1, 2) }),
    );
    fc.assert(
      fc.property(fc.nat({ max: cases.length - 1 }), fc.array(edits, { minLength: 1, maxLength: 3 }), (which, changes) => {
        const { original, output, expected } = cases[which]!;
        let text = output;
        for (const change of changes) text = corrupt(text, change);
        if (provenByEntries(text, expected, original)) {
          proven++;
          const full = fullParseMeans(text, expected);
          if (!full.ok) throw new Error(`proven piecewise but not by a full parse:\n${text}`);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 100) * 3, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    // Some corruptions keep the meaning (a space in a comment, a blank line): those must be proven too, so the check above ran.
    expect(proven).toBeGreaterThan(0);
  });
});

type Corruption = { kind: 'delete'; at: number } | { kind: 'insert'; at: number; ch: string } | { kind: 'indent'; at: number; by: number };

function corrupt(text: string, change: Corruption): string {
  const at = Math.min(text.length - 1, Math.floor(change.at * text.length));
  switch (change.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + 1);
    case 'insert':
      return text.slice(0, at) + change.ch + text.slice(at);
    case 'indent': {
      const lineStart = text.lastIndexOf('\n', at) + 1;
      if (change.by > 0) return text.slice(0, lineStart) + ' '.repeat(change.by) + text.slice(lineStart);
      const spaces = /^ */.exec(text.slice(lineStart))![0].length;
      return text.slice(0, lineStart) + text.slice(lineStart + Math.min(spaces, -change.by));
    }
  }
}
