import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CORPUS_DIR, corpusEntries } from '../../test/helpers/corpus.js';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';
import { runOne } from '../../test/helpers/run-one.js';

defineFixtureTests(import.meta.dirname, 'outputs');


describe('outputs on the corpus', () => {
  test('every labelled template gets its outputs (or a reason); a second run changes nothing', async () => {
    const files = corpusEntries().filter((e) => e.stackfixIds.includes('outputs')).map((e) => e.name);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const first = await runOne('outputs', CORPUS_DIR, file, readFileSync(path.join(CORPUS_DIR, file), 'utf8'));
      expect(first.errors, file).toEqual([]);
      expect(first.findings.some((f) => f.status === 'fixed' || (f.status === 'manual' && f.reason)), file).toBe(true);
      const second = await runOne('outputs', CORPUS_DIR, file, first.output);
      expect(second.output, file).toBe(first.output);
      expect(second.findings, file).toEqual([]);
    }
  });
});

test('an unknown kind is an error, not a silent no-op', async () => {
  const result = await runOne('outputs', CORPUS_DIR, 't.yaml', 'Resources:\n  T:\n    Type: AWS::SNS::Topic\n', { kinds: ['sns', 'rds'] });
  expect(result.errors.map((e) => e.message).join()).toMatch(/unknown kind in kinds: rds/);
});
