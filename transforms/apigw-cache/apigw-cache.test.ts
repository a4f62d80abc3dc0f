import { describe, expect, test } from 'vitest';
import { CORPUS_DIR, corpusEntries } from '../../test/helpers/corpus.js';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';
import { runOne } from '../../test/helpers/run-one.js';
import { parseMethodSpec } from './cfn.js';

const ID = 'apigw-cache';

defineFixtureTests(import.meta.dirname, ID);

describe('parseMethodSpec', () => {
  test('escapes every / of the resource path as ~1', () => {
    expect(parseMethodSpec('get /orders/{id}')).toEqual({ httpMethod: 'GET', resourcePath: '/~1orders~1{id}' });
    expect(parseMethodSpec('POST /')).toEqual({ httpMethod: 'POST', resourcePath: '/' });
  });
  test('rejects what is not "METHOD /path"', () => {
    expect(() => parseMethodSpec('/orders')).toThrow(/METHOD \/resource\/path/);
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
