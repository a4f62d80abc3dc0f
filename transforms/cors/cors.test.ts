import { describe, expect, test } from 'vitest';
import { defineCorpusTests } from '../../test/helpers/corpus-tests.js';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';
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

defineCorpusTests(ID);
