import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { toSourceText } from '../../src/document/source.js';
import { prepareTransforms } from '../../src/pipeline/prepare.js';
import { runFile } from '../../src/pipeline/run-file.js';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';

const ID = 'ddb-pitr';

defineFixtureTests(import.meta.dirname, ID);

// Real templates the corpus manifest labels with this failure: each must be fixed or reported with a reason.
const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus/cfn');
const labelled = readFileSync(path.join(CORPUS, '../MANIFEST.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t'))
  .filter((cols) => cols[1] !== 'cdk-ts' && (cols[8] ?? '').split(',').includes(ID))
  .map((cols) => path.basename(cols[2]!));

/** runOne, with CloudFormation's last-key-wins for the corpus files that repeat a key. */
async function runCorpusFile(file: string, text: string) {
  const transforms = await prepareTransforms({ only: [ID] });
  const [result] = await runFile([toSourceText(file, text)], transforms, { root: realpathSync(CORPUS), allowDuplicateKeys: true });
  return result!;
}

describe(`${ID} on the corpus`, () => {
  test.each(labelled)('%s', async (file) => {
    const first = await runCorpusFile(file, readFileSync(path.join(CORPUS, file), 'utf8'));
    expect(first.errors).toEqual([]);
    const mine = first.findings.filter((f) => f.status === 'fixed' || (f.status === 'manual' && f.reason));
    expect(mine.length).toBeGreaterThan(0);
    const second = await runCorpusFile(file, first.output);
    expect(second.output).toBe(first.output);
    expect(second.findings.filter((f) => f.status === 'fixed')).toEqual([]);
  });
});
