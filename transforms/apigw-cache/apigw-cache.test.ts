import { describe, expect, test } from 'vitest';
import { defineCorpusTests } from '../../test/helpers/corpus-tests.js';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';
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

defineCorpusTests(ID);
