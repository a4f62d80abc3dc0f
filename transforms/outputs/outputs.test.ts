import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';
import { runOne } from '../../test/helpers/run-one.js';

defineFixtureTests(import.meta.dirname, 'outputs');

const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus/cfn');

/** Corpus files whose MANIFEST row lists this failure id. */
function labelledFiles(id: string): string[] {
  const [header, ...rows] = readFileSync(path.join(CORPUS, '../MANIFEST.tsv'), 'utf8').trim().split('\n').map((line) => line.split('\t'));
  const file = header!.indexOf('local_file');
  const ids = header!.indexOf('stackfix_ids');
  return rows.filter((r) => r[ids]!.split(',').includes(id) && r[file] !== '-').map((r) => path.basename(r[file]!));
}

describe('outputs on the corpus', () => {
  test('every labelled template gets its outputs (or a reason); a second run changes nothing', async () => {
    const files = labelledFiles('outputs');
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const first = await runOne('outputs', CORPUS, file, readFileSync(path.join(CORPUS, file), 'utf8'));
      expect(first.errors, file).toEqual([]);
      expect(first.findings.some((f) => f.status === 'fixed' || (f.status === 'manual' && f.reason)), file).toBe(true);
      const second = await runOne('outputs', CORPUS, file, first.output);
      expect(second.output, file).toBe(first.output);
      expect(second.findings, file).toEqual([]);
    }
  });
});

test('an unknown kind is an error, not a silent no-op', async () => {
  const result = await runOne('outputs', CORPUS, 't.yaml', 'Resources:\n  T:\n    Type: AWS::SNS::Topic\n', { kinds: ['sns', 'rds'] });
  expect(result.errors.map((e) => e.message).join()).toMatch(/unknown kind in kinds: rds/);
});
