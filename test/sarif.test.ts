/**
 * SARIF output: valid against the SARIF 2.1.0 JSON schema (the one GitHub code scanning references,
 * shipped by the devDependency @microsoft/jest-sarif, MIT), one rule per transform, results with
 * locations, and fixes whose replacements, applied to the original, give exactly stackfix's output.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { fix } from '../src/api.js';
import { main } from '../src/entry/cli.js';
import type { RunResult } from '../src/pipeline/result.js';
import { replacements, renderSarif, type SarifReplacement } from '../src/report/sarif.js';
import type { TransformMeta } from '../src/transform.js';

const SCHEMA_MODULE = '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json';

let validate: ValidateFunction;

/** The schema is draft-04; Ajv 8 reads it once `id` is `$id` (it uses no other draft-04-only keyword). */
function loadValidator(): ValidateFunction {
  let file: string;
  try {
    file = createRequire(import.meta.url).resolve(SCHEMA_MODULE);
  } catch {
    throw new Error(`the SARIF 2.1.0 schema comes from the devDependency @microsoft/jest-sarif (${SCHEMA_MODULE}); run npm ci`);
  }
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
  expect(JSON.stringify(schema)).not.toMatch(/"exclusive(Minimum|Maximum)":\s*(true|false)/);
  const { $schema: _draft, id, ...rest } = schema;
  // unicodeRegExp off: the schema's pattern for `language` has a stray "]", legal only without the u flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  const isUri = (s: string) => {
    try {
      return Boolean(new URL(s));
    } catch {
      return false;
    }
  };
  ajv.addFormat('uri', isUri);
  ajv.addFormat('uri-reference', (s: string) => isUri(s) || isUri(new URL(s, 'http://base.invalid/').href));
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(s) && !Number.isNaN(Date.parse(s)));
  return ajv.compile({ ...rest, $id: String(id) });
}

function expectValid(log: unknown): void {
  const ok = validate(log);
  expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
}

/** Applies SARIF replacements by character offset, checking that line/column say the same. */
function apply(original: string, edits: SarifReplacement[]): string {
  const starts = [0];
  for (let i = 0; i < original.length; i++) if (original[i] === '\n') starts.push(i + 1);
  let out = original;
  for (const edit of [...edits].sort((a, b) => b.deletedRegion.charOffset! - a.deletedRegion.charOffset!)) {
    const r = edit.deletedRegion;
    expect(starts[r.startLine - 1]! + r.startColumn - 1).toBe(r.charOffset);
    expect(starts[r.endLine! - 1]! + r.endColumn! - 1).toBe(r.charOffset! + r.charLength!);
    out = out.slice(0, r.charOffset) + (edit.insertedContent?.text ?? '') + out.slice(r.charOffset! + r.charLength!);
  }
  return out;
}

const META: TransformMeta[] = [
  {
    id: 'ddb-pitr',
    title: 'Enable DynamoDB point-in-time recovery',
    failure: 'DynamoDB point-in-time recovery is off',
    docsUrl: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery.html',
    seeAlso: ['CKV_AWS_28', 'AwsSolutions-DDB3'],
    options: {},
  },
  {
    id: 'log-retention',
    title: 'Set log retention',
    failure: 'log retention unset',
    docsUrl: '',
    seeAlso: [],
    options: { days: { type: 'number', default: 14, description: 'retention in days' } },
  },
  { id: 'cors', title: 'Restrict CORS origins', failure: 'API allows every origin', docsUrl: '', seeAlso: [], options: {} },
];

const ORIGINAL = 'Resources:\r\n  Table:\r\n    Type: AWS::DynamoDB::Table # «orders» 🚀\r\n  Fn:\r\n    Type: AWS::Lambda::Function\r\n    Properties:\r\n      Code:\r\n        ZipFile: print(1)\r\n';
const OUTPUT =
  'Resources:\r\n  Table:\r\n    Type: AWS::DynamoDB::Table # «orders» 🚀\r\n    Properties:\r\n      PointInTimeRecoverySpecification:\r\n        PointInTimeRecoveryEnabled: true\r\n  Fn:\r\n    Type: AWS::Lambda::Function\r\n    Properties:\r\n      Code: src/fn\r\n';

function sampleRun(): RunResult {
  return {
    root: '/work/project with space',
    errors: [{ code: 'path', message: 'outside the project root', file: '../x.yaml' }],
    summary: { files: 2, changed: 1, fixed: 2, manual: 1, info: 1, errors: 2 },
    files: [
      {
        path: 'stacks/app #1.yaml',
        kind: 'cloudformation',
        errors: [],
        warnings: [],
        original: ORIGINAL,
        output: OUTPUT,
        changed: true,
        created: [{ path: 'stacks/src/fn/index.py', text: 'print(1)\n' }],
        findings: [
          { transformId: 'ddb-pitr', messageId: 'pitrOff', message: 'point-in-time recovery is off', file: 'stacks/app #1.yaml', line: 2, column: 3, pointer: '/Resources/Table', logicalId: 'Table', status: 'fixed' },
          { transformId: 'log-retention', message: 'no retention', file: 'stacks/app #1.yaml', line: 4, column: 3, pointer: '/Resources/Fn', logicalId: 'Fn', status: 'fixed' },
          { transformId: 'cors', message: 'every origin allowed', file: 'stacks/app #1.yaml', line: 4, status: 'manual', reason: 'the origins are not configured.' },
          { transformId: 'log-retention', message: 'a retention is set already', file: 'stacks/app #1.yaml', status: 'info' },
        ],
      },
      {
        path: 'lib/stack.ts',
        kind: 'cdk',
        errors: [{ code: 'input', message: 'cannot parse', file: 'lib/stack.ts', line: 3, column: 9 }],
        warnings: [],
        original: 'x',
        output: 'y',
        changed: true,
        created: [],
        findings: [{ transformId: 'ddb-pitr', message: 'pitr off', file: 'lib/stack.ts', line: 5, constructPath: 'Stack/Table', status: 'fixed' }],
      },
    ],
  };
}

beforeAll(() => {
  validate = loadValidator();
});

describe('SARIF report', () => {
  test('the validator is the real schema: it rejects what SARIF forbids', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'a', level: 'fatal', message: { text: 'm' } }] }] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'a' }] }] })).toBe(false);
    expect(validate({ version: '2.0.0', runs: [] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [] }] })).toBe(true);
  });

  test('is valid SARIF 2.1.0 with one rule per transform, locations, levels and notifications', () => {
    const log = JSON.parse(renderSarif(sampleRun(), { transforms: META, toolVersion: '1.2.3' }));
    expectValid(log);
    const run = log.runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'stackfix', version: '1.2.3' });
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['ddb-pitr', 'log-retention', 'cors']);
    expect(run.tool.driver.rules[0]).toMatchObject({
      id: 'ddb-pitr',
      shortDescription: { text: 'Enable DynamoDB point-in-time recovery' },
      fullDescription: { text: 'DynamoDB point-in-time recovery is off' },
      helpUri: META[0]!.docsUrl,
      defaultConfiguration: { level: 'warning' },
    });
    expect(run.tool.driver.rules[0].help.text).toContain('CKV_AWS_28');
    expect(run.tool.driver.rules[1].help.markdown).toContain('`days` (default `14`): retention in days');
    expect(run.tool.driver.rules[1].helpUri).toBeUndefined();

    const results = run.results as Array<Record<string, any>>;
    expect(results.map((r) => [r.ruleId, run.tool.driver.rules[r.ruleIndex].id, r.level])).toEqual([
      ['ddb-pitr', 'ddb-pitr', 'warning'],
      ['log-retention', 'log-retention', 'warning'],
      ['cors', 'cors', 'warning'],
      ['log-retention', 'log-retention', 'note'],
      ['ddb-pitr', 'ddb-pitr', 'warning'],
    ]);
    expect(results[0]!.locations[0]).toEqual({
      physicalLocation: { artifactLocation: { uri: 'stacks/app%20%231.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 2, startColumn: 3 } },
      logicalLocations: [{ name: 'Table', fullyQualifiedName: '/Resources/Table', kind: 'resource' }],
    });
    expect(results[2]!.message.text).toBe('every origin allowed. Needs manual review: the origins are not configured.');
    expect(results[2]!.fixes).toBeUndefined();
    expect(results[3]!.locations[0].physicalLocation.region).toBeUndefined();
    expect(results[4]!.fixes).toBeUndefined(); // its file has an error: nothing would be written
    expect(results[4]!.locations[0].logicalLocations[0]).toMatchObject({ name: 'Stack/Table', kind: 'object' });
    expect(new Set(results.map((r) => r.partialFingerprints['stackfix/v1'])).size).toBe(results.length);
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///work/project%20with%20space/');

    const notes = run.invocations[0].toolExecutionNotifications;
    expect(notes.map((n: { message: { text: string } }) => n.message.text)).toEqual(['outside the project root', 'cannot parse']);
    expect(notes[1].locations[0].physicalLocation.region).toEqual({ startLine: 3, startColumn: 9 });
  });

  test('a fix holds the file\'s replacements and created files; applied, they give exactly the output', () => {
    const log = JSON.parse(renderSarif(sampleRun(), { transforms: META }));
    const [first, second] = log.runs[0].results;
    expect(first.fixes).toHaveLength(1);
    expect(second.fixes).toEqual(first.fixes); // one change set per file, shared by its fixes
    const fix = first.fixes[0];
    expect(fix.description.text).toBe("Apply stackfix's fixes to stacks/app #1.yaml (2 fixes in this file, applied together); creates stacks/src/fn/index.py.");
    const [template, created] = fix.artifactChanges;
    expect(template.artifactLocation.uri).toBe('stacks/app%20%231.yaml');
    expect(template.replacements).toHaveLength(2);
    expect(apply(ORIGINAL, template.replacements)).toBe(OUTPUT);
    expect(created.artifactLocation.uri).toBe('stacks/src/fn/index.py');
    expect(created.replacements).toEqual([
      { deletedRegion: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, charOffset: 0, charLength: 0 }, insertedContent: { text: 'print(1)\n' } },
    ]);
  });

  test('after --write, fixed findings are passes without fixes', () => {
    const log = JSON.parse(renderSarif(sampleRun(), { transforms: META, applied: true }));
    expectValid(log);
    const results = log.runs[0].results;
    expect(results[0]).toMatchObject({ kind: 'pass', level: 'none', message: { text: 'Fixed: point-in-time recovery is off' } });
    expect(results.some((r: { fixes?: unknown }) => r.fixes)).toBe(false);
    expect(results[2]).toMatchObject({ level: 'warning' });
  });

  test('replacements cover insertions, deletions, changes, a missing final newline and an empty original', () => {
    const cases: Array<[string, string]> = [
      ['a\nb\nc\n', 'a\nB\nc\n'],
      ['a\nb\nc\n', 'a\nc\n'],
      ['a\nb\nc\n', 'x\na\nb\nc\ny\n'],
      ['a\nb', 'a\nb\nc'],
      ['a\nb\n', 'a\nb'],
      ['', 'new\nfile\n'],
      ['only\n', ''],
      ['same\n', 'same\n'],
    ];
    for (const [before, after] of cases) expect(apply(before, replacements(before, after))).toBe(after);
    expect(replacements('same\n', 'same\n')).toEqual([]);
    expect(replacements('a\nb\nc\n', 'a\nc\n')).toEqual([{ deletedRegion: { startLine: 2, startColumn: 1, endLine: 3, endColumn: 1, charOffset: 2, charLength: 2 } }]);
  });
});

describe('stackfix --format sarif', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'stackfix-sarif-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const PLUGIN = `export default {
    meta: { id: 'test-topic-name', title: 'Name SNS topics', failure: 'topic without a name', docsUrl: 'https://example.com/topic-name', seeAlso: [], options: {} },
    cfn: { detect(template) {
      return Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::SNS::Topic' && !(r.Properties && r.Properties.TopicName))
        .map(([id]) => ({ pointer: '/Resources/' + id, message: 'topic has no name', fix: [{ op: 'add', path: '/Resources/' + id + '/Properties', value: { TopicName: 'topic' } }] }));
    } },
  };`;
  const TEMPLATE = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic # alerts\n';

  async function cli(...args: string[]) {
    let stdout = '';
    const sink = new Writable({ write: (chunk, _enc, cb) => ((stdout += String(chunk)), cb()) });
    const code = await main(['--plugin', './plugin.mjs', '--only', 'test-topic-name', ...args], { stdout: sink as never, stderr: sink as never, cwd: dir });
    return { code, stdout };
  }

  test('prints a valid SARIF log whose fix reproduces the dry run; --write marks it fixed', async () => {
    writeFileSync(path.join(dir, 'plugin.mjs'), PLUGIN);
    writeFileSync(path.join(dir, 'a.yaml'), TEMPLATE);
    const dry = await cli('--format', 'sarif');
    expect(dry.code).toBe(0);
    const log = JSON.parse(dry.stdout);
    expectValid(log);
    expect(log.runs[0].tool.driver.rules).toHaveLength(1);
    expect(log.runs[0].tool.driver.rules[0]).toMatchObject({ id: 'test-topic-name', helpUri: 'https://example.com/topic-name' });
    const result = log.runs[0].results[0];
    expect(result).toMatchObject({ ruleId: 'test-topic-name', level: 'warning', message: { text: 'topic has no name' } });
    expect(result.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'a.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 3, startColumn: 3 } });
    const expected = (await fix({ root: dir, plugins: [path.join(dir, 'plugin.mjs')], only: ['test-topic-name'] })).files[0]!.output;
    expect(apply(TEMPLATE, result.fixes[0].artifactChanges[0].replacements)).toBe(expected);
    expect(readFileSync(path.join(dir, 'a.yaml'), 'utf8')).toBe(TEMPLATE);

    const written = await cli('--format', 'sarif', '--write');
    const after = JSON.parse(written.stdout);
    expectValid(after);
    expect(after.runs[0].results[0]).toMatchObject({ kind: 'pass', level: 'none' });
    expect(readFileSync(path.join(dir, 'a.yaml'), 'utf8')).toBe(expected);
  });
});
