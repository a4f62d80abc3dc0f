/**
 * The CLI end to end on temporary projects: exit codes, dry run vs --write, bad input next to good
 * input, paths outside the root, config errors. A small plugin transform keeps these tests independent
 * of the built-in fixes (and exercises --plugin).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { main } from '../src/entry/cli.js';

const PLUGIN = `
export default {
  meta: { id: 'test-topic-name', title: 'Name SNS topics', failure: 'topic without a name', docsUrl: '', seeAlso: [],
    options: { name: { type: 'string', default: 'topic', description: 'the name' } } },
  cfn: {
    detect(template, ctx) {
      return Object.entries(template.Resources ?? {})
        .filter(([, r]) => r.Type === 'AWS::SNS::Topic' && !(r.Properties && r.Properties.TopicName))
        .map(([id, r]) => ({
          pointer: '/Resources/' + id, message: 'topic has no name', messageId: 'noName',
          fix: r.Properties ? [{ op: 'add', path: '/Resources/' + id + '/Properties/TopicName', value: ctx.options.name }]
                            : [{ op: 'add', path: '/Resources/' + id + '/Properties', value: { TopicName: ctx.options.name } }],
        }));
    },
  },
};
`;

const GOOD = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic # alerts\n';
const FIXED = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic # alerts\n    Properties:\n      TopicName: topic\n';

let dir: string;
let cwd: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'stackfix-cli-'));
  writeFileSync(path.join(dir, 'plugin.mjs'), PLUGIN);
  cwd = dir;
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (write: (s: string) => void) => new Writable({ write: (chunk, _enc, cb) => (write(String(chunk)), cb()) });
  const code = await main(['--plugin', './plugin.mjs', '--only', 'test-topic-name', '--color=false', ...args], {
    stdout: sink((s) => (stdout += s)) as unknown as NodeJS.WriteStream,
    stderr: sink((s) => (stderr += s)) as unknown as NodeJS.WriteStream,
    cwd,
  });
  return { code, stdout, stderr };
}

const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');

describe('stackfix CLI', () => {
  test('a dry run shows the diff and writes nothing', async () => {
    writeFileSync(path.join(dir, 'a.yaml'), GOOD);
    const { code, stdout } = await run('a.yaml');
    expect(code).toBe(0);
    expect(stdout).toContain('+++ b/a.yaml');
    expect(stdout).toContain('+      TopicName: topic');
    expect(stdout).toMatch(/1 files?, 1 changed, 1 fixed/);
    expect(read('a.yaml')).toBe(GOOD);
  });

  test('--write writes the fix, then --check is clean', async () => {
    writeFileSync(path.join(dir, 'a.yaml'), GOOD);
    expect((await run('--write')).code).toBe(0);
    expect(read('a.yaml')).toBe(FIXED);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    const check = await run('--check');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/0 changed/);
  });

  test('--check exits 1 when a fix is pending and writes nothing', async () => {
    writeFileSync(path.join(dir, 'a.yaml'), GOOD);
    expect((await run('.', '--check')).code).toBe(1);
    expect(read('a.yaml')).toBe(GOOD);
  });

  test('a malformed file is reported with file, line and column; the others are still fixed', async () => {
    writeFileSync(path.join(dir, 'a.yaml'), GOOD);
    const bad = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Topic:\n    Type: [AWS::SNS::Topic\n';
    writeFileSync(path.join(dir, 'bad.yaml'), bad);
    const { code, stdout } = await run('--write');
    expect(code).toBe(2);
    expect(stdout).toMatch(/error: bad\.yaml:\d+:\d+: invalid YAML/);
    expect(read('a.yaml')).toBe(FIXED);
    expect(read('bad.yaml')).toBe(bad);
  });

  test('options come from the config file, and flags win over it', async () => {
    writeFileSync(path.join(dir, 'a.yaml'), GOOD);
    writeFileSync(path.join(dir, 'stackfix.config.yml'), 'transforms:\n  test-topic-name:\n    name: from-config\n');
    expect((await run()).stdout).toContain('+      TopicName: from-config');
    expect((await run('-o', 'test-topic-name.name=from-flag')).stdout).toContain('+      TopicName: from-flag');
  });

  test('an unknown config key or option is an error, not a silent no-op', async () => {
    writeFileSync(path.join(dir, 'a.yaml'), GOOD);
    writeFileSync(path.join(dir, 'stackfix.config.yml'), 'transforms:\n  test-topic-name:\n    nmae: x\n');
    const { code, stderr } = await run();
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown option "nmae" for transform "test-topic-name" \(known: name\)/);
    writeFileSync(path.join(dir, 'stackfix.config.yml'), 'onyl: [x]\n');
    expect((await run()).stderr).toMatch(/unknown config key "onyl"/);
    rmSync(path.join(dir, 'stackfix.config.yml'));
    expect((await run('--skip', 'no-such-fix')).stderr).toMatch(/unknown transform "no-such-fix"/);
  });

  test('nothing outside the root is read or written', async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'stackfix-outside-'));
    try {
      writeFileSync(path.join(outside, 'b.yaml'), GOOD);
      mkdirSync(path.join(dir, 'proj'));
      symlinkSync(outside, path.join(dir, 'proj', 'link'));
      cwd = path.join(dir, 'proj');
      writeFileSync(path.join(dir, 'proj', 'plugin.mjs'), PLUGIN);
      const viaArg = await run('--write', path.join(outside, 'b.yaml'));
      expect(viaArg.code).toBe(2);
      expect(viaArg.stdout).toMatch(/outside the project root/);
      const viaLink = await run('--write', '.');
      expect(viaLink.stdout).toMatch(/outside the project root/);
      expect(readFileSync(path.join(outside, 'b.yaml'), 'utf8')).toBe(GOOD);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('symlink loops are walked once', async () => {
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'a.yaml'), GOOD);
    symlinkSync('..', path.join(dir, 'sub', 'up'));
    const { code, stdout } = await run();
    expect(code).toBe(0);
    expect(stdout.match(/\+\+\+ b\/sub\/a\.yaml/g)).toHaveLength(1);
  });

  test('a read-only file is not written, and says so', async () => {
    writeFileSync(path.join(dir, 'a.yaml'), GOOD);
    chmodSync(path.join(dir, 'a.yaml'), 0o444);
    const { code, stdout } = await run('--write');
    expect(code).toBe(2);
    expect(stdout).toMatch(/a\.yaml is read-only; not written/);
    expect(read('a.yaml')).toBe(GOOD);
  });

  test('--format json is one parsable report', async () => {
    writeFileSync(path.join(dir, 'a.yaml'), GOOD);
    const report = JSON.parse((await run('--format', 'json')).stdout);
    expect(report.summary).toMatchObject({ files: 1, changed: 1, fixed: 1, errors: 0 });
    expect(report.files[0].findings[0]).toMatchObject({ transformId: 'test-topic-name', messageId: 'noName', status: 'fixed', line: 3 });
  });

  test('--list-transforms names every built-in fix and the plugin', async () => {
    const { stdout, code } = await run('--list-transforms');
    expect(code).toBe(0);
    for (const id of ['inline-code', 'ddb-pitr', 'outputs', 'test-topic-name']) expect(stdout).toContain(id);
  });

  test('a binary file and a file that is no template are handled', async () => {
    writeFileSync(path.join(dir, 'data.json'), '{"name": "not a template"}');
    writeFileSync(path.join(dir, 'blob.yaml'), Buffer.from([0x41, 0x00, 0x42]));
    const { code, stdout } = await run();
    expect(code).toBe(2);
    expect(stdout).toMatch(/blob\.yaml: binary file/);
    expect(stdout).toMatch(/0 files/);
  });
});
