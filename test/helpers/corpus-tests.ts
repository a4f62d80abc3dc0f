/**
 * For a transform: every corpus template the manifest labels with its failure must be fixed or
 * reported with a reason, without errors, and a second run must change nothing. Templates that are not
 * valid YAML upstream (PARSE-ERROR in the manifest) are the parser's concern, tested on their own.
 */
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { toSourceText } from '../../src/document/source.js';
import { prepareTransforms } from '../../src/pipeline/prepare.js';
import { runFile } from '../../src/pipeline/run-file.js';
import { CORPUS_DIR, corpusEntries } from './corpus.js';

export function defineCorpusTests(transformId: string): void {
  const labelled = corpusEntries()
    .filter((entry) => entry.stackfixIds.includes(transformId) && !entry.notes.includes('PARSE-ERROR'))
    .map((entry) => entry.name);

  /** With CloudFormation's last-key-wins for the corpus files that repeat a key. */
  async function runCorpusFile(file: string, text: string) {
    const transforms = await prepareTransforms({ only: [transformId] });
    const [result] = await runFile([toSourceText(file, text)], transforms, { root: realpathSync(CORPUS_DIR), allowDuplicateKeys: true });
    return result!;
  }

  describe(`${transformId} on the corpus`, () => {
    test('the manifest labels some templates with it', () => expect(labelled.length).toBeGreaterThan(0));
    test.each(labelled)('%s', async (file) => {
      const first = await runCorpusFile(file, readFileSync(path.join(CORPUS_DIR, file), 'utf8'));
      expect(first.errors).toEqual([]);
      const mine = first.findings.filter((f) => f.status === 'fixed' || (f.status === 'manual' && f.reason));
      expect(mine.length).toBeGreaterThan(0);
      const second = await runCorpusFile(file, first.output);
      expect(second.output).toBe(first.output);
      expect(second.findings.filter((f) => f.status === 'fixed')).toEqual([]);
    });
  });
}
