import { describe, expect, test } from 'vitest';
import { CORPUS_DIR, corpusEntries } from '../../test/helpers/corpus.js';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';
import { runOne } from '../../test/helpers/run-one.js';
import { starHeaderLines } from './function-code.js';

const ID = 'cors';

defineFixtureTests(import.meta.dirname, ID);

describe('starHeaderLines', () => {
  test('finds the header set to * in the usual code shapes', () => {
    const code = [
      "headers: { 'Access-Control-Allow-Origin': '*' },",
      'headers["Access-Control-Allow-Origin"] = "*"',
      "res.setHeader('Access-Control-Allow-Origin', '*');",
      "'Access-Control-Allow-Origin': process.env.ORIGIN,",
      "'Access-Control-Allow-Origin': 'https://example.com',",
    ].join('\n');
    expect(starHeaderLines(code)).toEqual([1, 2, 3]);
  });
});

// Real templates the corpus manifest labels with this failure: each must be fixed or reported with a reason.
describe(`${ID} over the corpus`, () => {
  // Files that are not valid YAML upstream are the parser's concern, not this transform's.
  const entries = corpusEntries().filter((e) => e.stackfixIds.includes(ID) && !e.notes.includes('PARSE-ERROR'));
  test('has corpus files', () => expect(entries.length).toBeGreaterThan(0));
  for (const entry of entries) {
    test(entry.name, async () => {
      const first = await runOne(ID, CORPUS_DIR, entry.name, entry.text);
      expect(first.errors).toEqual([]);
      const mine = first.findings.filter((f) => f.status === 'fixed' || (f.status === 'manual' && f.reason));
      expect(mine.length).toBeGreaterThan(0);
      const second = await runOne(ID, CORPUS_DIR, entry.name, first.output);
      expect(second.output).toBe(first.output);
      expect(second.findings.filter((f) => f.status === 'fixed')).toEqual([]);
    });
  }
});
