/**
 * Parse then print with no operation is byte-identical, for every corpus template and every fixture,
 * also with CRLF line ends and a BOM (Prettier's test-bom / CRLF reruns).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CfnDocument } from '../src/document/cfn/index.js';
import { restoreText, toSourceText } from '../src/document/source.js';
import { StackfixError } from '../src/errors.js';
import { corpusEntries } from './helpers/corpus.js';

const ROOT = path.resolve(import.meta.dirname, '..');

function templateFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'node_modules' || name === '__snapshots__') return [];
    if (statSync(full).isDirectory()) return templateFiles(full);
    return /\.(ya?ml|json|template)$/.test(name) && !/options\.json$/.test(name) ? [full] : [];
  });
}

/** Metrics files, observed policies and the like sit beside fixture templates: not templates. */
function isDataFile(file: string): boolean {
  const text = readFileSync(file, 'utf8');
  return !/AWSTemplateFormatVersion|Resources/.test(text);
}

function roundTrip(name: string, text: string): string {
  const source = toSourceText(name, text);
  return restoreText(source, CfnDocument.parse(source).print());
}

const corpus = corpusEntries();
// Every fixture folder: fixtures/ and transforms/<id>/fixtures/ (not the transforms' data files).
const fixtureDirs = [
  path.join(ROOT, 'fixtures'),
  ...readdirSync(path.join(ROOT, 'transforms'))
    .map((id) => path.join(ROOT, 'transforms', id, 'fixtures'))
    .filter((dir) => existsSync(dir)),
];
const fixtures = fixtureDirs.flatMap(templateFiles).filter((file) => !isDataFile(file)).map((file) => ({
  name: path.relative(ROOT, file),
  text: readFileSync(file, 'utf8'),
}));

describe('round trip: corpus', () => {
  test('the corpus is there', () => expect(corpus.length).toBeGreaterThanOrEqual(27));
  for (const entry of corpus) {
    test(entry.name, () => {
      if (entry.notes.includes('PARSE-ERROR')) {
        expect(() => roundTrip(entry.name, entry.text)).toThrow(StackfixError);
        return;
      }
      if (entry.notes.includes('dup-keys')) {
        const source = toSourceText(entry.name, entry.text);
        expect(() => CfnDocument.parse(source)).toThrow(/Map keys must be unique/);
        expect(CfnDocument.parse(source, { allowDuplicateKeys: true }).print()).toBe(source.body);
        return;
      }
      expect(roundTrip(entry.name, entry.text)).toBe(entry.text);
      const crlf = entry.text.replace(/\r?\n/g, '\r\n');
      expect(roundTrip(entry.name, crlf)).toBe(crlf);
      expect(roundTrip(entry.name, '\uFEFF' + entry.text)).toBe('\uFEFF' + entry.text);
    });
  }
});

describe('round trip: fixtures', () => {
  for (const fixture of fixtures) {
    test(fixture.name, () => expect(roundTrip(fixture.name, fixture.text)).toBe(fixture.text));
  }
});
