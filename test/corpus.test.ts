/**
 * Every built-in transform together over the public corpus: no errors, the output still parses as a
 * template, and a second run on the output changes nothing (idempotence).
 */
import { realpathSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { CfnDocument } from '../src/document/cfn/index.js';
import { toSourceText } from '../src/document/source.js';
import { prepareTransforms } from '../src/pipeline/prepare.js';
import { runFile } from '../src/pipeline/run-file.js';
import { newProblems, validateTemplate } from '../src/verify/validate.js';
import { CORPUS_DIR, corpusEntries } from './helpers/corpus.js';

const transforms = await prepareTransforms({});
const root = realpathSync(CORPUS_DIR);

describe('all transforms over the corpus', () => {
  for (const entry of corpusEntries()) {
    const parsable = !entry.notes.includes('PARSE-ERROR');
    if (parsable) test(entry.name, async () => {
      const env = { root, allowDuplicateKeys: true };
      const [first] = await runFile([toSourceText(entry.name, entry.text)], transforms, env);
      expect(first, 'recognized as a template').toBeDefined();
      expect(first!.errors).toEqual([]);
      const before = CfnDocument.parse(toSourceText(entry.name, entry.text), { allowDuplicateKeys: true }).template;
      const after = CfnDocument.parse(toSourceText(entry.name, first!.output), { allowDuplicateKeys: true }).template;
      const added = newProblems(validateTemplate(before), validateTemplate(after)).map((p) => `${p.pointer}: ${p.message}`);
      expect(added, 'the fixes keep the template valid').toEqual([]);
      const [second] = await runFile([toSourceText(entry.name, first!.output)], transforms, env);
      expect(second!.errors).toEqual([]);
      expect(second!.output, 'a second run changes nothing').toBe(first!.output);
      expect(second!.findings.filter((f) => f.status === 'fixed')).toEqual([]);
    });
    else test(`${entry.name} is reported with its line`, async () => {
      const [result] = await runFile([toSourceText(entry.name, entry.text)], transforms, { root });
      expect(result!.errors[0]).toMatchObject({ code: 'input', file: entry.name });
      expect(result!.errors[0]!.line).toBeGreaterThan(0);
      expect(result!.output).toBe(entry.text);
    });
  }
});
