import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CfnDocument } from '../../src/document/cfn/index.js';
import { toSourceText } from '../../src/document/source.js';
import { CORPUS_DIR, corpusEntries } from '../../test/helpers/corpus.js';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';
import { runOne } from '../../test/helpers/run-one.js';
import { DependencyGraph } from './graph.js';
import { requiredOrderings } from './orderings.js';

defineFixtureTests(import.meta.dirname, 'depends-on');


describe('depends-on on the corpus', () => {
  test('every labelled template is fixed, reported, or already ordered; a second run changes nothing', async () => {
    const files = corpusEntries().filter((e) => e.stackfixIds.includes('depends-on')).map((e) => e.name);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(path.join(CORPUS_DIR, file), 'utf8');
      const first = await runOne('depends-on', CORPUS_DIR, file, text);
      expect(first.errors, file).toEqual([]);
      const acted = first.findings.filter((f) => f.status === 'fixed' || (f.status === 'manual' && f.reason));
      if (acted.length === 0) {
        // The label is a file-level heuristic: the ordering it suspects may already hold transitively
        // (a mapping ordered through its function's DependsOn). Then every required ordering must hold.
        const template = CfnDocument.parse(toSourceText(file, text)).template;
        const graph = new DependencyGraph(template);
        const needed = requiredOrderings(template);
        expect(needed.length, file).toBeGreaterThan(0);
        for (const o of needed) expect(graph.isOrderedAfter(o.dependent, o.target), `${file}: ${o.dependent} after ${o.target}`).toBe(true);
      }
      const second = await runOne('depends-on', CORPUS_DIR, file, first.output);
      expect(second.output, file).toBe(first.output);
      expect(second.findings.filter((f) => f.status === 'fixed'), file).toEqual([]);
    }
  });
});

test('an unknown rule id in skipRules is an error, not a silent no-op', async () => {
  const result = await runOne('depends-on', CORPUS_DIR, 't.yaml', 'Resources:\n  T:\n    Type: AWS::SNS::Topic\n', { skipRules: ['deployment-after-method'] });
  expect(result.errors.map((e) => e.message).join()).toMatch(/unknown rule id in skipRules: deployment-after-method/);
});
