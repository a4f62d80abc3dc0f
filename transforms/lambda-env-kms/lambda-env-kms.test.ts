import { realpathSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { toSourceText } from '../../src/document/source.js';
import { prepareTransforms } from '../../src/pipeline/prepare.js';
import { runFile } from '../../src/pipeline/run-file.js';
import { CORPUS_DIR, corpusEntries } from '../../test/helpers/corpus.js';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';

defineFixtureTests(import.meta.dirname, 'lambda-env-kms');

describe('lambda-env-kms over the corpus', () => {
  const entries = corpusEntries().filter((e) => e.stackfixIds.includes('lambda-env-kms') && !e.notes.includes('PARSE-ERROR'));
  // Like CloudFormation, let the last of duplicate keys win (one corpus file has them).
  const run = async (name: string, text: string) => {
    const transforms = await prepareTransforms({ only: ['lambda-env-kms'] });
    const [result] = await runFile([toSourceText(name, text)], transforms, { root: realpathSync(CORPUS_DIR), allowDuplicateKeys: true });
    return result!;
  };
  test('has corpus files', () => expect(entries.length).toBeGreaterThan(0));
  for (const entry of entries) {
    test(entry.name, async () => {
      const first = await run(entry.name, entry.text);
      expect(first.errors).toEqual([]);
      const encrypt = first.findings.filter((f) => f.messageId !== 'envSecretLiteral');
      expect(encrypt.length).toBeGreaterThan(0);
      for (const finding of encrypt) {
        expect(['fixed', 'manual']).toContain(finding.status);
        if (finding.status === 'manual') expect(finding.reason).toBeTruthy();
      }
      const second = await run(entry.name, first.output);
      expect(second.output).toBe(first.output);
      expect(second.findings.filter((f) => f.status === 'fixed')).toEqual([]);
    });
  }
});
