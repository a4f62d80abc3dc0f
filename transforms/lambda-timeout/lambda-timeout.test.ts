import { describe, expect, test } from 'vitest';
import { CfnDocument, isPlainObject } from '../../src/document/cfn/index.js';
import { toSourceText } from '../../src/document/source.js';
import { CORPUS_DIR, corpusEntries } from '../../test/helpers/corpus.js';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';
import { runOne } from '../../test/helpers/run-one.js';
import { readMetrics } from './durations.js';

defineFixtureTests(import.meta.dirname, 'lambda-timeout');

describe('metrics files', () => {
  test('get-metric-statistics datapoints in seconds are converted', () => {
    const observed = readMetrics(JSON.stringify({ fn: { Datapoints: [{ Maximum: 2.5, Unit: 'Seconds' }] } }));
    expect(observed).toEqual(new Map([['fn', 2500]]));
  });
  test('an unrelated JSON file is refused with the reason', () => {
    expect(readMetrics('{"Label": "Duration"}')).toMatch(/neither/);
  });
});

describe('lambda-timeout over the corpus', () => {
  const entries = corpusEntries().filter((e) => e.stackfixIds.includes('lambda-timeout') && !e.notes.includes('PARSE-ERROR'));
  test('has corpus files', () => expect(entries.length).toBeGreaterThan(0));
  for (const entry of entries) {
    test(entry.name, async () => {
      const withoutData = await runOne('lambda-timeout', CORPUS_DIR, entry.name, entry.text);
      expect(withoutData.errors).toEqual([]);
      expect(withoutData.findings.some((f) => f.messageId === 'timeoutNoData')).toBe(true);
      expect(withoutData.findings.filter((f) => f.messageId?.startsWith('timeout') && f.status === 'fixed')).toEqual([]);
      // With a stated duration for every function, each one is set or reported with a reason.
      const options = { expectedMs: Object.fromEntries(functionIds(entry.name, entry.text).map((id) => [id, 2500])) };
      const first = await runOne('lambda-timeout', CORPUS_DIR, entry.name, entry.text, options);
      expect(first.errors).toEqual([]);
      const timeouts = first.findings.filter((f) => f.messageId?.startsWith('timeout'));
      expect(timeouts.length).toBeGreaterThan(0);
      for (const finding of timeouts) {
        expect(['fixed', 'manual']).toContain(finding.status);
        if (finding.status === 'manual') expect(finding.reason).toBeTruthy();
      }
      const second = await runOne('lambda-timeout', CORPUS_DIR, entry.name, first.output, options);
      expect(second.output).toBe(first.output);
      expect(second.findings.filter((f) => f.status === 'fixed')).toEqual([]);
    });
  }
});

function functionIds(name: string, text: string): string[] {
  const resources = CfnDocument.parse(toSourceText(name, text), { allowDuplicateKeys: true }).template.Resources;
  if (!isPlainObject(resources)) return [];
  return Object.entries(resources)
    .filter(([, r]) => isPlainObject(r) && (r.Type === 'AWS::Lambda::Function' || r.Type === 'AWS::Serverless::Function'))
    .map(([id]) => id);
}
