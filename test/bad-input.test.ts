/**
 * Broken and hostile input, tried for real: each case gets its exact error (code, file, line and
 * column where they apply, message) or its correct handling (kept verbatim, processed), the other
 * files of the same run are still processed and written, and nothing is half-written (no temp file
 * left, a failed file byte for byte as it was, no file created for a template that was not written).
 *
 * Small cases are files in test/bad-input/; big or special ones (20 MB, 5,000 resources, deep
 * nesting, binary, symlinks, FIFOs, unreadable and read-only files) are made here in a temp folder.
 *
 * Unreadable files: root reads a `chmod 000` file anyway, so when the tests run as root that case runs
 * the CLI in a child process as the unprivileged user `nobody` (the CLI bundled by esbuild into a
 * git-ignored test/.tmp-* folder); as any other user it runs in process.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { parseDocument } from 'yaml';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { fix, MAX_SOURCE_BYTES, type FixOptions } from '../src/api.js';
import { CfnDocument, MAX_ALIAS_EXPANSION } from '../src/document/cfn/document.js';
import { toSourceText } from '../src/document/source.js';
import { main } from '../src/entry/cli.js';
import { NewFiles } from '../src/pipeline/new-files.js';
import type { FileResult, RunResult } from '../src/pipeline/result.js';
import { writeAtomic, writeResults } from '../src/pipeline/write.js';
import type { Transform } from '../src/transform.js';
import { CORPUS_DIR } from './helpers/corpus.js';

const CASES = path.join(import.meta.dirname, 'bad-input');

/**
 * A transform of the test's own (as a plugin module, for the API and the CLI alike), so that these
 * expectations do not move with the built-in fixes: it names SNS topics that have no name.
 */
const PLUGIN = `
export default {
  meta: { id: 'test-topic-name', title: 'Name SNS topics', failure: 'topic without a name', docsUrl: '', seeAlso: [], options: {} },
  cfn: {
    detect(template) {
      return Object.entries(template.Resources ?? {})
        .filter(([, r]) => r && r.Type === 'AWS::SNS::Topic' && !(r.Properties && r.Properties.TopicName))
        .map(([id, r]) => ({
          pointer: '/Resources/' + id, message: 'topic has no name', messageId: 'noName',
          fix: r.Properties ? [{ op: 'add', path: '/Resources/' + id + '/Properties/TopicName', value: 'topic' }]
                            : [{ op: 'add', path: '/Resources/' + id + '/Properties', value: { TopicName: 'topic' } }],
        }));
    },
  },
};
`;
const pluginDir = mkdtempSync(path.join(os.tmpdir(), 'stackfix-bad-plugin-'));
writeFileSync(path.join(pluginDir, 'plugin.mjs'), PLUGIN);
const TOPIC_NAME = ((await import(pathToFileURL(path.join(pluginDir, 'plugin.mjs')).href)) as { default: Transform }).default;
afterAll(() => rmSync(pluginDir, { recursive: true, force: true }));

const GOOD = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic # alerts\n';
const GOOD_FIXED = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic # alerts\n    Properties:\n      TopicName: topic\n';

let dir: string;
const cleanups: Array<() => void> = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'stackfix-bad-'));
});

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  // Undo chmods so that the folder can be removed whoever runs the tests.
  for (const file of listAll(dir)) if (!lstatSync(path.join(dir, file)).isSymbolicLink()) chmodSync(path.join(dir, file), 0o755);
  rmSync(dir, { recursive: true, force: true });
});

function run(options: Partial<FixOptions> = {}, root = dir): Promise<RunResult> {
  return fix({ root, configFile: false, extraTransforms: [TOPIC_NAME], only: ['test-topic-name'], ...options });
}

function put(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

const read = (name: string, root = dir) => readFileSync(path.join(root, name), 'utf8');
const result = (run: RunResult, file: string): FileResult | undefined => run.files.find((f) => f.path === file);

/** Every path below `root` (not following symlinks), relative, sorted. */
function listAll(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(root, rel)).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      out.push(child);
      const stat = lstatSync(path.join(root, child));
      if (stat.isDirectory()) walk(child);
    }
  };
  walk('');
  return out;
}

/** Contents of the regular files below `root`, to compare before and after a run. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of listAll(root)) {
    const stat = lstatSync(path.join(root, file));
    if (stat.isFile() && (stat.mode & 0o444) !== 0) out[file] = readFileSync(path.join(root, file)).toString('base64');
    else out[file] = stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'dir' : 'other';
  }
  return out;
}

function expectNoTempFiles(root: string) {
  expect(listAll(root).filter((f) => /\.stackfix-\d+-\d+\.tmp$/.test(f))).toEqual([]);
}

async function cli(args: string[], cwd = dir) {
  let stdout = '';
  let stderr = '';
  const sink = (write: (s: string) => void) => new Writable({ write: (chunk, _enc, cb) => (write(String(chunk)), cb()) });
  const code = await main(['--color=false', ...args], {
    stdout: sink((s) => (stdout += s)) as unknown as NodeJS.WriteStream,
    stderr: sink((s) => (stderr += s)) as unknown as NodeJS.WriteStream,
    cwd,
  });
  return { code, stdout, stderr };
}

interface Expected {
  code: string;
  message: string;
  line?: number;
  column?: number;
}

/** The committed cases: what each must give, side by side with a good file in one run. */
const COMMITTED: Record<string, Expected | 'skipped' | { output: string }> = {
  'syntax-error.yaml': {
    code: 'input',
    message: 'invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    line: 7,
    column: 3,
  },
  'duplicate-keys.yaml': {
    code: 'input',
    message: 'invalid YAML: Map keys must be unique (set allowDuplicateKeys: true to let the last one win, as CloudFormation does)',
    line: 8,
    column: 3,
  },
  'tab-indent.yaml': { code: 'input', message: 'invalid YAML: Tabs are not allowed as indentation', line: 3, column: 1 },
  'comments.json': { code: 'input', message: 'invalid JSON: Expected double-quoted property name in JSON', line: 3, column: 3 },
  'trailing-comma.json': { code: 'input', message: 'invalid JSON: Expected double-quoted property name in JSON', line: 5, column: 3 },
  'multi-document.yaml': { code: 'input', message: 'invalid YAML: a template is one YAML document; a second one starts here', line: 5, column: 1 },
  'top-level-list.yaml': { code: 'input', message: 'not a CloudFormation template: the top level is not a mapping' },
  'alias-undefined.yaml': { code: 'input', message: 'invalid YAML: alias *tags has no anchor &tags before it', line: 6, column: 13 },
  'alias-cycle.yaml': { code: 'input', message: 'invalid YAML: alias *self is inside the node it names, so it never ends', line: 6, column: 10 },
  'alias-bomb.yaml': { code: 'input', message: `invalid YAML: aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes (an alias bomb?)`, line: 12, column: 10 },
  // Not templates: nothing to say, nothing to write.
  'empty.yaml': 'skipped',
  'empty.json': 'skipped',
  'whitespace-only.yaml': 'skipped',
  'not-a-template.json': 'skipped',
  // Processed, with what stackfix does not understand kept byte for byte.
  'rain-embed.yaml': {
    output: readFileSync(path.join(CASES, 'rain-embed.yaml'), 'utf8') + '    Properties:\n      TopicName: topic\n',
  },
  'tabs-kept.yaml': { output: readFileSync(path.join(CASES, 'tabs-kept.yaml'), 'utf8') + '    Properties:\n      TopicName: topic\n' },
  'anchors.yaml': {
    output: readFileSync(path.join(CASES, 'anchors.yaml'), 'utf8').replace('          Value: payments\n', '          Value: payments\n      TopicName: topic\n'),
  },
};

describe('committed bad input (test/bad-input/), all in one run with a good file', () => {
  test('the folder holds exactly the cases this test expects', () => {
    expect(readdirSync(CASES).sort()).toEqual(Object.keys(COMMITTED).sort());
  });

  let runResult: RunResult;
  let before: Record<string, string>;
  const root = () => path.join(dir, 'project');
  beforeEach(async () => {
    cpSync(CASES, root(), { recursive: true });
    writeFileSync(path.join(root(), 'good.yaml'), GOOD);
    before = snapshot(root());
    runResult = await run({ write: true }, root());
  });

  for (const [name, expected] of Object.entries(COMMITTED)) {
    test(name, () => {
      const file = result(runResult, name);
      if (expected === 'skipped') {
        expect(file).toBeUndefined();
        expect(runResult.errors.filter((e) => e.file === name)).toEqual([]);
      } else if ('output' in expected) {
        expect(file?.errors).toEqual([]);
        expect(read(name, root())).toBe(expected.output);
        // The file as written reads as a template with the fix in it.
        const view = CfnDocument.parse(toSourceText(name, expected.output)).template as { Resources: Record<string, { Properties?: { TopicName?: string } }> };
        expect(view.Resources.Topic?.Properties?.TopicName).toBe('topic');
      } else {
        expect(file?.errors).toEqual([{ file: name, ...expected }]);
        expect(file?.changed).toBe(false);
        expect(file?.findings).toEqual([]);
        expect(snapshot(root())[name], 'a file with an error is never written').toBe(before[name]);
      }
    });
  }

  test('the good file beside them is fixed and written; nothing else changes; no temp files', () => {
    expect(read('good.yaml', root())).toBe(GOOD_FIXED);
    const after = snapshot(root());
    const changed = Object.keys(after).filter((f) => after[f] !== before[f]);
    expect(changed.sort()).toEqual(['anchors.yaml', 'good.yaml', 'rain-embed.yaml', 'tabs-kept.yaml']);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expectNoTempFiles(root());
    expect(runResult.summary).toEqual({ files: 14, changed: 4, fixed: 4, manual: 0, info: 0, errors: 10 });
  });

  test('the CLI prints each error as file:line:column and exits 2, having written the good file', async () => {
    rmSync(root(), { recursive: true });
    cpSync(CASES, root(), { recursive: true });
    writeFileSync(path.join(root(), 'good.yaml'), GOOD);
    writeFileSync(path.join(root(), 'plugin.mjs'), PLUGIN);
    const { code, stdout } = await cli(['--plugin', './plugin.mjs', '--only', 'test-topic-name', '--write'], root());
    expect(code).toBe(2);
    const errors = stdout.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toEqual(
      Object.entries(COMMITTED)
        .filter((e): e is [string, Expected] => typeof e[1] === 'object' && 'code' in e[1])
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, e]) => `error: ${[name, e.line, e.column].filter((x) => x !== undefined).join(':')}: ${e.message}`),
    );
    expect(stdout).toMatch(/14 files, 4 changed, 4 fixed.*10 errors/);
    expect(read('good.yaml', root())).toBe(GOOD_FIXED);
  });
});


describe('YAML syntax error from the corpus', () => {
  test('reported with its line; the file is not touched', async () => {
    const name = 'serverless-patterns__apigw-custom-domain-edge__template.yaml';
    const text = readFileSync(path.join(CORPUS_DIR, name), 'utf8');
    put(name, text);
    put('good.yaml', GOOD);
    const res = await run({ write: true });
    expect(result(res, name)?.errors).toEqual([
      // `  MappingRestEdge:curc`: a key with text glued to its colon.
      { code: 'input', file: name, line: 34, column: 3, message: 'invalid YAML: Implicit keys need to be on a single line' },
    ]);
    expect(read(name)).toBe(text);
    expect(read('good.yaml')).toBe(GOOD_FIXED);
  });
});

describe('duplicate keys, accepted on request (the last one wins, as in CloudFormation)', () => {
  const name = 'duplicate-keys.yaml';
  const text = readFileSync(path.join(CASES, name), 'utf8');

  test('API: allowDuplicateKeys processes the file, with a warning naming the key and its line', async () => {
    put(name, text);
    const res = await run({ allowDuplicateKeys: true, write: true });
    const file = result(res, name)!;
    expect(file.errors).toEqual([]);
    expect(file.warnings).toEqual(['duplicate key Resources.Topic (line 8); the last one is used']);
    expect(file.findings.map((f) => [f.status, f.line])).toEqual([['fixed', 8]]);
    const written = read(name);
    const view = CfnDocument.parse(toSourceText(name, written), { allowDuplicateKeys: true }).template as { Resources: { Topic: { Properties: object } } };
    expect(view.Resources.Topic.Properties).toEqual({ DisplayName: 'second', TopicName: 'topic' });
    expect(written.endsWith('      DisplayName: second\n      TopicName: topic\n')).toBe(true);
  });

  test('the entry that loses is left as it was', async () => {
    put(name, text);
    await run({ allowDuplicateKeys: true, write: true });
    expect(read(name).split('\n').slice(0, 7).join('\n')).toBe(text.split('\n').slice(0, 7).join('\n'));
    expect(read(name).match(/TopicName/g)).toHaveLength(1);
  });

  test('CLI: --allow-duplicate-keys', async () => {
    put(name, text);
    put('plugin.mjs', PLUGIN);
    const without = await cli(['--plugin', './plugin.mjs', '--only', 'test-topic-name']);
    expect(without.code).toBe(2);
    expect(without.stdout).toContain(`error: ${name}:8:3: invalid YAML: Map keys must be unique`);
    const withFlag = await cli(['--plugin', './plugin.mjs', '--only', 'test-topic-name', '--allow-duplicate-keys']);
    expect(withFlag.code).toBe(0);
    expect(withFlag.stdout).toContain(`warning: ${name}: duplicate key Resources.Topic (line 8); the last one is used`);
    expect(withFlag.stdout).toMatch(/1 file, 1 changed, 1 fixed/);
  });
});

describe('line endings and byte order mark are kept', () => {
  const BASE = ['AWSTemplateFormatVersion: "2010-09-09"', 'Resources:', '  Topic:', '    Type: AWS::SNS::Topic', '  Queue:', '    Type: AWS::SQS::Queue', ''];
  const cases: Record<string, { input: string; output: string }> = {
    'crlf.yaml': {
      input: BASE.join('\r\n'),
      output: [...BASE.slice(0, 4), '    Properties:', '      TopicName: topic', ...BASE.slice(4)].join('\r\n'),
    },
    // Mostly LF with some CRLF lines: every line keeps its own ending, new lines take the dominant one.
    'mixed.yaml': {
      input: 'AWSTemplateFormatVersion: "2010-09-09"\r\nResources:\n  Topic:\r\n    Type: AWS::SNS::Topic\n  Queue:\n    Type: AWS::SQS::Queue\n',
      output: 'AWSTemplateFormatVersion: "2010-09-09"\r\nResources:\n  Topic:\r\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: topic\n  Queue:\n    Type: AWS::SQS::Queue\n',
    },
    'bom.yaml': {
      input: '\uFEFF' + BASE.join('\n'),
      output: '\uFEFF' + [...BASE.slice(0, 4), '    Properties:', '      TopicName: topic', ...BASE.slice(4)].join('\n'),
    },
    'bom-crlf.json': {
      input: '\uFEFF{\r\n  "AWSTemplateFormatVersion": "2010-09-09",\r\n  "Resources": {\r\n    "Topic": {\r\n      "Type": "AWS::SNS::Topic"\r\n    }\r\n  }\r\n}\r\n',
      output:
        '\uFEFF{\r\n  "AWSTemplateFormatVersion": "2010-09-09",\r\n  "Resources": {\r\n    "Topic": {\r\n      "Type": "AWS::SNS::Topic",\r\n      "Properties": {\r\n        "TopicName": "topic"\r\n      }\r\n    }\r\n  }\r\n}\r\n',
    },
    'no-final-newline.yaml': {
      input: BASE.slice(0, 4).join('\n'),
      output: [...BASE.slice(0, 4), '    Properties:', '      TopicName: topic'].join('\n'),
    },
  };
  for (const [name, { input, output }] of Object.entries(cases)) {
    test(name, async () => {
      put(name, input);
      const res = await run({ write: true });
      expect(result(res, name)?.errors).toEqual([]);
      expect(readFileSync(path.join(dir, name), 'utf8')).toBe(output);
    });
  }
});

describe('binary and badly encoded files', () => {
  test('NUL bytes: not a template, said once; the other files are processed', async () => {
    put('image.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    put('good.yaml', GOOD);
    const res = await run({ write: true });
    expect(res.errors).toEqual([{ code: 'input', file: 'image.yaml', message: 'binary file (contains NUL bytes); not a template' }]);
    expect(res.files.map((f) => f.path)).toEqual(['good.yaml']);
    expect(read('good.yaml')).toBe(GOOD_FIXED);
  });

  test('not UTF-8 (Latin-1): an error, never a guess at the encoding', async () => {
    const latin1 = Buffer.from('AWSTemplateFormatVersion: "2010-09-09"\nDescription: caf\xe9\nResources: {}\n', 'latin1');
    put('latin1.yaml', latin1);
    put('good.yaml', GOOD);
    const res = await run({ write: true });
    expect(res.errors).toEqual([{ code: 'input', file: 'latin1.yaml', message: 'not valid UTF-8' }]);
    expect(readFileSync(path.join(dir, 'latin1.yaml')).equals(latin1)).toBe(true);
    expect(read('good.yaml')).toBe(GOOD_FIXED);
  });
});

describe('size', () => {
  test('a 20 MB template (20 MB of inline code) is processed', async () => {
    const line = '          value = "0123456789abcdef0123456789abcdef0123456789abcdef"\n';
    const body = line.repeat(Math.ceil((20 * 1024 * 1024) / line.length));
    const template = [
      'AWSTemplateFormatVersion: "2010-09-09"',
      'Resources:',
      '  Fn:',
      '    Type: AWS::Lambda::Function',
      '    Properties:',
      '      Runtime: python3.12',
      '      Handler: index.handler',
      '      Role: arn:aws:iam::123456789012:role/fn',
      '      Code:',
      '        ZipFile: |',
      '          def handler(event, context):',
      '            return 1',
      body.trimEnd(),
      '',
    ].join('\n');
    expect(Buffer.byteLength(template)).toBeGreaterThan(20 * 1024 * 1024);
    put('big.yaml', template);
    const res = await fix({ root: dir, configFile: false, only: ['inline-code'], write: true });
    const file = result(res, 'big.yaml')!;
    expect(file.errors).toEqual([]);
    expect(file.findings.map((f) => [f.transformId, f.status])).toEqual([['inline-code', 'fixed']]);
    expect(read('big.yaml')).toBe(template.slice(0, template.indexOf('      Code:\n')) + '      Code: functions/Fn\n');
    const code = read('functions/Fn/index.py');
    expect(code.startsWith('def handler(event, context):\n  return 1\nvalue = "0123')).toBe(true);
    expect(code.length).toBeGreaterThan(17 * 1024 * 1024); // the block's 10-space indent is not code
    expectNoTempFiles(dir);
  });

  // Slow (two parses of 20 MB of YAML structure: about 30 s and 2.5 GB here): run with BAD_INPUT_SLOW=1.
  test.runIf(process.env.BAD_INPUT_SLOW === '1')('a 20 MB template of Mappings is processed', { timeout: 300_000 }, async () => {
    let text = 'AWSTemplateFormatVersion: "2010-09-09"\nMappings:\n  Images:\n';
    const entries: string[] = [];
    for (let i = 0; text.length + entries.length * 90 < 20 * 1024 * 1024; i++) entries.push(`    k${i}:\n      ami: ami-${(i * 7919).toString(16).padStart(12, '0')}\n      name: "entry ${i}"\n`);
    text += entries.join('') + GOOD.slice(GOOD.indexOf('Resources:'));
    put('big.yaml', text);
    const res = await run({ write: true });
    expect(result(res, 'big.yaml')?.errors).toEqual([]);
    expect(read('big.yaml')).toBe(text + '    Properties:\n      TopicName: topic\n');
  });

  test(`a file over ${MAX_SOURCE_BYTES} bytes is not read (a sparse 3 GiB file here); the others are`, async () => {
    const huge = put('huge.json', '');
    truncateSync(huge, 3 * 1024 ** 3);
    put('good.yaml', GOOD);
    const res = await run({ write: true });
    expect(res.errors).toEqual([
      { code: 'input', file: 'huge.json', message: `too large to read: ${3 * 1024 ** 3} bytes, more than ${MAX_SOURCE_BYTES} (CloudFormation takes templates of at most 1 MB)` },
    ]);
    expect(read('good.yaml')).toBe(GOOD_FIXED);
    expect(statSync(huge).size).toBe(3 * 1024 ** 3);
  });

  test('5,000 resources: processed, each finding at its own line', async () => {
    const lines = ['AWSTemplateFormatVersion: "2010-09-09"', 'Resources:'];
    for (let i = 0; i < 5000; i++) {
      lines.push(`  Topic${i}:`, '    Type: AWS::SNS::Topic');
      if (i % 5 !== 0) lines.push('    Properties:', `      TopicName: topic-${i}`);
    }
    const text = lines.join('\n') + '\n';
    put('many.yaml', text);
    put('good.yaml', GOOD);
    const started = performance.now();
    const res = await run({ write: true });
    const file = result(res, 'many.yaml')!;
    expect(file.errors).toEqual([]);
    expect(file.findings).toHaveLength(1000);
    expect(file.findings.every((f) => f.status === 'fixed')).toBe(true);
    expect(file.findings[1]).toMatchObject({ logicalId: 'Topic5', line: 21, column: 3 });
    const view = CfnDocument.parse(toSourceText('many.yaml', read('many.yaml'))).template as { Resources: Record<string, { Properties?: { TopicName?: string } }> };
    expect(Object.keys(view.Resources)).toHaveLength(5000);
    expect(Object.values(view.Resources).every((r) => r.Properties?.TopicName)).toBe(true);
    expect(read('good.yaml')).toBe(GOOD_FIXED);
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});

describe('deep nesting', () => {
  test('100,000 levels of JSON arrays: too deep to parse, said where; no crash; the others are processed', async () => {
    const prefix = '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}, "Metadata": ';
    put('deep.json', prefix + '['.repeat(100_000) + ']'.repeat(100_000) + '}');
    put('good.yaml', GOOD);
    const res = await run({ write: true });
    expect(result(res, 'deep.json')?.errors).toEqual([
      // The innermost [ is the deepest collection: the root map, then 100,000 arrays.
      { code: 'input', file: 'deep.json', line: 1, column: prefix.length + 100_000, message: 'invalid JSON: nested 100001 levels deep, too deep to parse' },
    ]);
    expect(read('good.yaml')).toBe(GOOD_FIXED);
  });

  test('50,000 levels of YAML block sequences: the same', async () => {
    const prefix = 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\nMetadata:\n  ';
    put('deep.yaml', prefix + '- '.repeat(50_000) + 'x\n');
    const res = await run();
    expect(result(res, 'deep.yaml')?.errors).toEqual([
      // The root map, Metadata's value and 49,999 sequences inside it; the innermost `- ` is where the deepest starts.
      { code: 'input', file: 'deep.yaml', line: 4, column: 3 + 2 * 49_999, message: 'invalid YAML: nested 50001 levels deep, too deep to parse' },
    ]);
  });

  test('200 levels (deep, but parsable) are processed', async () => {
    const nested = '['.repeat(200) + ']'.repeat(200);
    const text = `AWSTemplateFormatVersion: "2010-09-09"\nMetadata:\n  Deep: ${nested}\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n`;
    put('deep.yaml', text);
    const res = await run({ write: true });
    expect(result(res, 'deep.yaml')?.errors).toEqual([]);
    expect(read('deep.yaml')).toBe(text + '    Properties:\n      TopicName: topic\n');
  });
});

describe('symlinks', () => {
  let outside: string;
  beforeEach(() => {
    outside = mkdtempSync(path.join(os.tmpdir(), 'stackfix-outside-'));
    writeFileSync(path.join(outside, 'secret.yaml'), GOOD);
    cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
  });

  test('a link to a file or folder outside the root is reported and never read or written', async () => {
    put('good.yaml', GOOD);
    symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'linked.yaml'));
    symlinkSync(outside, path.join(dir, 'linked-dir'));
    const res = await run({ write: true });
    const root = res.root;
    expect(res.errors).toEqual([
      { code: 'path', file: 'linked-dir', message: `linked-dir is outside the project root ${root}; not read` },
      { code: 'path', file: 'linked.yaml', message: `linked.yaml is outside the project root ${root}; not read` },
    ]);
    expect(res.files.map((f) => f.path)).toEqual(['good.yaml']);
    expect(readFileSync(path.join(outside, 'secret.yaml'), 'utf8')).toBe(GOOD);
    expect(read('good.yaml')).toBe(GOOD_FIXED);
  });

  test('a loop of file links is an error; a loop of folder links is walked once', async () => {
    put('sub/a.yaml', GOOD);
    symlinkSync('..', path.join(dir, 'sub', 'up'));
    symlinkSync('loop-b.yaml', path.join(dir, 'loop-a.yaml'));
    symlinkSync('loop-a.yaml', path.join(dir, 'loop-b.yaml'));
    const res = await run({ write: true });
    expect(res.errors).toEqual([
      { code: 'input', file: 'loop-a.yaml', message: 'cannot read loop-a.yaml: a symlink loop' },
      { code: 'input', file: 'loop-b.yaml', message: 'cannot read loop-b.yaml: a symlink loop' },
    ]);
    expect(res.files.map((f) => f.path)).toEqual(['sub/a.yaml']);
    expect(read('sub/a.yaml')).toBe(GOOD_FIXED);
  });

  test('a dangling link is skipped in a folder and an error when named', async () => {
    put('good.yaml', GOOD);
    symlinkSync('missing.yaml', path.join(dir, 'gone.yaml'));
    const walked = await run();
    expect(walked.errors).toEqual([]);
    expect(walked.files.map((f) => f.path)).toEqual(['good.yaml']);
    const named = await run({ paths: ['gone.yaml', 'good.yaml'] });
    expect(named.errors).toEqual([{ code: 'input', file: 'gone.yaml', message: 'cannot read gone.yaml: it does not exist or cannot be read' }]);
    expect(named.files.map((f) => f.path)).toEqual(['good.yaml']);
  });

  test('a link to a template inside the root: the template is processed once and written in place; the link stays a link', async () => {
    put('real/t.yaml', GOOD);
    symlinkSync('real/t.yaml', path.join(dir, 'alias.yaml'));
    const res = await run({ write: true });
    expect(res.files.map((f) => f.path)).toEqual(['real/t.yaml']);
    expect(read('real/t.yaml')).toBe(GOOD_FIXED);
    expect(lstatSync(path.join(dir, 'alias.yaml')).isSymbolicLink()).toBe(true);
  });
});

describe('files that cannot be read', () => {
  const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;
  test.runIf(hasMkfifo)('a FIFO named like a template is never opened (it would block); named explicitly, it is an error', async () => {
    put('good.yaml', GOOD);
    expect(spawnSync('mkfifo', [path.join(dir, 'pipe.yaml')]).status).toBe(0);
    const walked = await run({ write: true });
    expect(walked.errors).toEqual([]);
    expect(walked.files.map((f) => f.path)).toEqual(['good.yaml']);
    const named = await run({ paths: ['pipe.yaml', 'good.yaml'] });
    expect(named.errors).toEqual([{ code: 'input', file: 'pipe.yaml', message: 'cannot read pipe.yaml: not a regular file' }]);
  });

  test('a folder named like a template is walked as a folder', async () => {
    put('stack.yaml/inner.yaml', GOOD);
    const res = await run({ write: true });
    expect(res.errors).toEqual([]);
    expect(read('stack.yaml/inner.yaml')).toBe(GOOD_FIXED);
  });

  const isRoot = process.getuid?.() === 0;
  const canDrop = isRoot && spawnSync('true', [], { uid: 65534, gid: 65534 }).status === 0;

  test.runIf(!isRoot && process.platform !== 'win32')('a file without read permission (in process, not root)', async () => {
    put('good.yaml', GOOD);
    chmodSync(put('locked.yaml', GOOD), 0o000);
    const res = await run({ write: true });
    expect(res.errors).toEqual([{ code: 'input', file: 'locked.yaml', message: 'cannot read: EACCES' }]);
    expect(read('good.yaml')).toBe(GOOD_FIXED);
  });

  describe.runIf(canDrop)('a file without read permission (as root: the CLI as user nobody, in a child process)', () => {
    let bundleDir: string;
    afterAll(() => bundleDir && rmSync(bundleDir, { recursive: true, force: true }));

    test('EACCES is reported for that file; the other files are fixed and written', async () => {
      const { build } = await import('esbuild');
      bundleDir = mkdtempSync(path.join(import.meta.dirname, '.tmp-bad-input-'));
      await build({
        entryPoints: [path.join(import.meta.dirname, '../src/entry/cli.ts')],
        bundle: true,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        outfile: path.join(bundleDir, 'cli.mjs'),
        logLevel: 'silent',
      });
      writeFileSync(path.join(bundleDir, 'run.mjs'), "import { main } from './cli.mjs';\nprocess.exitCode = await main(process.argv.slice(2));\n");
      chmodSync(bundleDir, 0o755);
      for (const f of readdirSync(bundleDir)) chmodSync(path.join(bundleDir, f), 0o644);

      const project = path.join(dir, 'project');
      mkdirSync(project);
      writeFileSync(path.join(project, 'good.yaml'), GOOD);
      writeFileSync(path.join(project, 'locked.yaml'), GOOD);
      writeFileSync(path.join(project, 'plugin.mjs'), PLUGIN);
      chmodSync(dir, 0o755);
      chmodSync(project, 0o777); // nobody writes the fix (temp file + rename)
      chmodSync(path.join(project, 'good.yaml'), 0o666);
      chmodSync(path.join(project, 'locked.yaml'), 0o000);

      const child = spawnSync(process.execPath, [path.join(bundleDir, 'run.mjs'), '--color=false', '--plugin', './plugin.mjs', '--only', 'test-topic-name', '--write'], {
        cwd: project,
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp' },
      });
      expect(child.stderr).toBe('');
      expect(child.stdout).toContain('error: locked.yaml: cannot read: EACCES');
      expect(child.stdout).toMatch(/1 file, 1 changed, 1 fixed.*1 error/);
      expect(child.status).toBe(2);
      expect(read('project/good.yaml')).toBe(GOOD_FIXED);
      expect(read('project/locked.yaml')).toBe(GOOD);
      expectNoTempFiles(project);
    }, 60_000);
  });
});

describe('read-only files with --write', () => {
  test('a read-only template is not written, says so and keeps its mode; the others are written', async () => {
    put('good.yaml', GOOD);
    chmodSync(put('locked.yaml', GOOD), 0o444);
    const res = await run({ write: true });
    expect(result(res, 'locked.yaml')?.errors).toEqual([{ code: 'write', file: 'locked.yaml', message: 'locked.yaml is read-only; not written' }]);
    expect(read('locked.yaml')).toBe(GOOD);
    expect(statSync(path.join(dir, 'locked.yaml')).mode & 0o777).toBe(0o444);
    expect(read('good.yaml')).toBe(GOOD_FIXED);
    expectNoTempFiles(dir);
  });

  test('nothing is created for a read-only template (its extracted code would be left orphaned)', async () => {
    chmodSync(put('fn.yaml', INLINE_FN), 0o444);
    const res = await fix({ root: dir, configFile: false, only: ['inline-code'], write: true });
    expect(result(res, 'fn.yaml')?.errors).toEqual([{ code: 'write', file: 'fn.yaml', message: 'fn.yaml is read-only; not written' }]);
    expect(listAll(dir)).toEqual(['fn.yaml']);
  });

  test('a write that fails half-way removes the files it created for that template', async () => {
    // The template's own write fails (its folder is replaced by a file just before the rename): the
    // code file written first is removed again, with the folders made for it.
    put('fn.yaml', INLINE_FN);
    const res = await fix({ root: dir, configFile: false, only: ['inline-code'] });
    const file = result(res, 'fn.yaml')!;
    expect(file.created.map((c) => c.path)).toEqual(['functions/Fn/index.py']);
    const failing = { ...file, path: 'fn.yaml/not-a-folder.yaml' };
    writeResults(res.root, [failing]);
    expect(failing.errors).toHaveLength(1);
    expect(failing.errors[0]).toEqual({
      code: 'write',
      file: 'fn.yaml/not-a-folder.yaml',
      message: `cannot write fn.yaml/not-a-folder.yaml: EEXIST: file already exists, mkdir '${path.join(res.root, 'fn.yaml')}'`,
    });
    expect(listAll(dir)).toEqual(['fn.yaml']);
  });
});

const INLINE_FN = [
  'AWSTemplateFormatVersion: "2010-09-09"',
  'Resources:',
  '  Fn:',
  '    Type: AWS::Lambda::Function',
  '    Properties:',
  '      Runtime: python3.12',
  '      Handler: index.handler',
  '      Role: arn:aws:iam::123456789012:role/fn',
  '      Timeout: 10',
  '      Code:',
  '        ZipFile: |',
  '          def handler(event, context):',
  '            return 1',
  '',
].join('\n');

describe('extracted files never land outside the root', () => {
  let outside: string;
  beforeEach(() => {
    outside = mkdtempSync(path.join(os.tmpdir(), 'stackfix-outside-'));
    cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
  });

  const inlineOnly = (directory?: string): Partial<FixOptions> => ({
    extraTransforms: [],
    only: ['inline-code'],
    transforms: directory === undefined ? {} : { 'inline-code': { directory } },
    write: true,
  });

  test('a `directory` option climbing out of the root: needs review, nothing written', async () => {
    put('stacks/fn.yaml', INLINE_FN);
    const res = await run(inlineOnly('../../escape'));
    const file = result(res, 'stacks/fn.yaml')!;
    expect(file.errors).toEqual([]);
    expect(file.findings.map((f) => [f.transformId, f.status, f.reason])).toEqual([
      ['inline-code', 'manual', 'the file ../../escape/Fn/index.py would be written outside the project root'],
    ]);
    expect(file.changed).toBe(false);
    expect(listAll(dir)).toEqual(['stacks', 'stacks/fn.yaml']);
    expect(existsSync(path.join(path.dirname(dir), 'escape'))).toBe(false);
  });

  test('an absolute `directory`: needs review, nothing written', async () => {
    put('fn.yaml', INLINE_FN);
    const res = await run(inlineOnly(outside));
    expect(result(res, 'fn.yaml')!.findings.map((f) => [f.status, f.reason])).toEqual([
      ['manual', `the file ${outside}/Fn/index.py would be written outside the project root`],
    ]);
    expect(readdirSync(outside)).toEqual([]);
    expect(read('fn.yaml')).toBe(INLINE_FN);
  });

  test('a folder inside the root that is a symlink to a folder outside: needs review, nothing written out there', async () => {
    put('fn.yaml', INLINE_FN);
    symlinkSync(outside, path.join(dir, 'functions'));
    const res = await run(inlineOnly());
    expect(result(res, 'fn.yaml')!.findings.map((f) => [f.status, f.reason])).toEqual([
      ['manual', 'the file functions/Fn/index.py would be written outside the project root'],
    ]);
    expect(readdirSync(outside)).toEqual([]);
    expect(read('fn.yaml')).toBe(INLINE_FN);
  });

  test('a Handler with ../ in it: reported by inline-code, nothing written', async () => {
    put('fn.yaml', INLINE_FN.replace('Handler: index.handler', 'Handler: ../../x.handler'));
    const res = await run(inlineOnly());
    const [finding] = result(res, 'fn.yaml')!.findings;
    expect(finding).toMatchObject({ transformId: 'inline-code', status: 'manual' });
    expect(finding!.reason).toContain('Handler ../../x.handler');
    expect(listAll(dir)).toEqual(['fn.yaml']);
  });

  test('CDK: a `directory` climbing out of the root: needs review, nothing written', async () => {
    const stack = [
      "import * as cdk from 'aws-cdk-lib';",
      "import * as lambda from 'aws-cdk-lib/aws-lambda';",
      '',
      'export class AppStack extends cdk.Stack {',
      '  constructor(scope: cdk.App, id: string) {',
      '    super(scope, id);',
      "    new lambda.Function(this, 'Fn', {",
      '      runtime: lambda.Runtime.NODEJS_20_X,',
      "      handler: 'index.handler',",
      "      code: lambda.Code.fromInline('exports.handler = async () => 1;'),",
      '    });',
      '  }',
      '}',
      '',
    ].join('\n');
    put('lib/app-stack.ts', stack);
    const res = await run(inlineOnly('../../escape'));
    const file = result(res, 'lib/app-stack.ts')!;
    expect(file.errors).toEqual([]);
    expect(file.findings.map((f) => [f.transformId, f.status, f.reason])).toEqual([
      ['inline-code', 'manual', 'the file ../../escape/Fn/index.js would be written outside the project root'],
    ]);
    expect(read('lib/app-stack.ts')).toBe(stack);
    expect(listAll(dir)).toEqual(['lib', 'lib/app-stack.ts']);
  });

  test('the engine refuses every way out, whatever a transform asks for (NewFiles, writeAtomic)', () => {
    symlinkSync(outside, path.join(dir, 'link'));
    const files = new NewFiles(dir, 'stacks');
    const refusal = (p: string) => files.check([{ path: p, text: 'x' }]);
    expect(refusal('../../x.py')).toBe('the file ../../x.py would be written outside the project root');
    expect(refusal('a/../../../x.py')).toBe('the file a/../../../x.py would be written outside the project root');
    expect(refusal('/etc/x.py')).toBe('the file /etc/x.py would be written outside the project root');
    expect(refusal('../link/x.py')).toBe('the file ../link/x.py would be written outside the project root');
    expect(refusal('nul\0.py')).toBe('the file nul\0.py would be written outside the project root');
    expect(refusal('../ok/x.py')).toBeUndefined();
    expect(() => writeAtomic(dir, '../x.py', 'x')).toThrow('refusing to write outside the project root: ../x.py');
    expect(() => writeAtomic(dir, 'link/x.py', 'x')).toThrow('refusing to write outside the project root: link/x.py');
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('alias expansion limit', () => {
  test('aliases may add up to the limit; one node more is refused', () => {
    // &a is a list of 999 scalars plus itself: 1,000 nodes; 1,000 aliases of it add exactly 1,000,000.
    const list = `[${Array.from({ length: 999 }, () => 'x').join(', ')}]`;
    const aliases = (n: number) => `[${Array.from({ length: n }, () => '*a').join(', ')}]`;
    const doc = (n: number) => `AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\nMetadata:\n  a: &a ${list}\n  b: ${aliases(n)}\n`;
    expect(() => CfnDocument.parse(toSourceText('ok.yaml', doc(1000)))).not.toThrow();
    expect(() => CfnDocument.parse(toSourceText('bomb.yaml', doc(1001)))).toThrow(`aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes`);
    // yaml itself agrees the text is fine: the limit is stackfix's.
    expect(parseDocument(doc(1001)).errors).toEqual([]);
  });
});
