/**
 * Fixture tests for a transform, jscodeshift style: each folder under `<transform>/fixtures/<case>/`
 * holds `input.<ext>` and, when the transform fixes it, `output.<ext>` (no output: it only reports).
 * Optional: `options.json` (the transform's options), `files/` (files the fix must create, relative
 * to the case folder). Every case checks the output, that a second run is a no-op, the findings
 * (snapshot), and the same case with CRLF line endings.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CfnDocument } from '../../src/document/cfn/index.js';
import { toSourceText } from '../../src/document/source.js';
import { newProblems, validateTemplate } from '../../src/verify/validate.js';
import { runOne, type RunOneResult } from './run-one.js';

const INPUT_RE = /^input\.(ya?ml|json|template|ts)$/;

export function defineFixtureTests(transformDir: string, transformId: string): void {
  const fixturesDir = path.join(transformDir, 'fixtures');
  const cases = readdirSync(fixturesDir).filter((name) => statSync(path.join(fixturesDir, name)).isDirectory());
  describe(`${transformId} fixtures`, () => {
    test('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
    for (const name of cases) {
      const caseDir = path.join(fixturesDir, name);
      const inputName = readdirSync(caseDir).find((f) => INPUT_RE.test(f));
      if (!inputName) throw new Error(`fixture ${name} has no input.*`);
      const ext = path.extname(inputName);
      const outputPath = path.join(caseDir, `output${ext}`);
      const optionsPath = path.join(caseDir, 'options.json');
      const options = existsSync(optionsPath) ? (JSON.parse(readFileSync(optionsPath, 'utf8')) as Record<string, unknown>) : undefined;
      const input = readFileSync(path.join(caseDir, inputName), 'utf8');
      const expected = existsSync(outputPath) ? readFileSync(outputPath, 'utf8') : undefined;

      test(name, async () => {
        const first = await runOne(transformId, caseDir, inputName, input, options);
        expect(first.errors).toEqual([]);
        if (expected === undefined) {
          expect(first.output, 'a report-only case must not change the file').toBe(input);
        } else {
          expect(expected, 'output.* equal to input.* is not a fix: drop output.* for report-only cases').not.toBe(input);
          expect(first.output).toBe(expected);
          if (ext !== '.ts') expect(specProblemsAdded(input, first.output), 'the fix keeps the template valid').toEqual([]);
          const second = await runOne(transformId, caseDir, inputName, first.output, options, first.created);
          expect(second.output, 'a second run must change nothing').toBe(first.output);
          expect(second.findings.filter((f) => f.status === 'fixed')).toEqual([]);
        }
        expect(snapshotOf(first)).toMatchSnapshot();
        const filesDir = path.join(caseDir, 'files');
        if (existsSync(filesDir)) {
          for (const file of listFiles(filesDir)) {
            const created = first.created.find((c) => c.path === file);
            expect(created?.text, `created file ${file}`).toBe(readFileSync(path.join(filesDir, file), 'utf8'));
          }
        }
        if (ext !== '.ts' && !input.includes('\r\n')) {
          const crlf = await runOne(transformId, caseDir, inputName, input.replace(/\n/g, '\r\n'), options);
          expect(crlf.output).toBe((expected ?? input).replace(/\n/g, '\r\n'));
        }
      });
    }
  });
}

/** Problems (per the CloudFormation resource specification and the template's own references) the fix introduced. */
function specProblemsAdded(before: string, after: string): string[] {
  const parse = (text: string) => CfnDocument.parse(toSourceText('t', text), { allowDuplicateKeys: true }).template;
  return newProblems(validateTemplate(parse(before)), validateTemplate(parse(after))).map((p) => `${p.pointer}: ${p.message}`);
}

function snapshotOf(result: RunOneResult) {
  return result.findings.map((f) => ({
    status: f.status,
    messageId: f.messageId,
    where: f.logicalId ?? f.constructPath,
    line: f.line,
    ...(f.reason ? { reason: f.reason } : {}),
  }));
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}
