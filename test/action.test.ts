/**
 * The GitHub Action end to end, for real on this machine: the bundled entry (dist/action/index.js) runs
 * as a child process with the environment the Actions runner gives (GITHUB_*, INPUT_* with action.yml's
 * defaults), against a bare git repository as origin and a fake GitHub on loopback (REST API + git over
 * HTTP) that validates requests as GitHub does and records them. A tiny plugin transform, committed in
 * the repository under test and enabled by its stackfix.config.yml, keeps this independent of the
 * built-in fixes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { FakeGitHub } from './fixtures-action/fake-github.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = path.join(ROOT, 'dist', 'action', 'index.js');
const TOKEN = 'ghs_stackfixE2eT0ken0123456789abcdefXYZ';

const PLUGIN = `
export default {
  meta: { id: 'test-topic-name', title: 'Name SNS topics', failure: 'topic without a name', docsUrl: '', seeAlso: [], options: {} },
  cfn: {
    detect(template) {
      return Object.entries(template.Resources ?? {})
        .filter(([, r]) => r.Type === 'AWS::SNS::Topic' && !(r.Properties && r.Properties.TopicName))
        .map(([id, r]) => ({
          pointer: '/Resources/' + id, message: 'topic has no name', messageId: 'noName',
          fix: r.Properties ? [{ op: 'add', path: '/Resources/' + id + '/Properties/TopicName', value: id.toLowerCase() }]
                            : [{ op: 'add', path: '/Resources/' + id + '/Properties', value: { TopicName: id.toLowerCase() } }],
        }));
    },
  },
};
`;
const CONFIG = 'plugins: [./.github/stackfix/topic-name.mjs]\nonly: [test-topic-name]\n';
const template = (...topics: string[]) =>
  `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n${topics.map((t) => `  ${t}:\n    Type: AWS::SNS::Topic # ${t.toLowerCase()} alerts\n`).join('')}`;
const fixed = (...topics: string[]) =>
  `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n${topics
    .map((t) => `  ${t}:\n    Type: AWS::SNS::Topic # ${t.toLowerCase()} alerts\n    Properties:\n      TopicName: ${t.toLowerCase()}\n`)
    .join('')}`;

/** action.yml's inputs and their defaults, as the runner turns them into INPUT_* variables. */
const ACTION = parseYaml(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
};

let tmp: string;
let gh: FakeGitHub;
let seed: string;
let workspaces = 0;

const GIT_ENV = {
  PATH: process.env.PATH,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Dev',
  GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'Dev',
  GIT_COMMITTER_EMAIL: 'dev@example.com',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...GIT_ENV, HOME: tmp } as NodeJS.ProcessEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

const bare = (...args: string[]) => git(tmp, '--git-dir', gh.bareRepo, ...args);

/** Commit these files on main in the developer's repository and push them to origin. */
function commitToMain(files: Record<string, string>, message = 'change'): string {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(seed, name)), { recursive: true });
    writeFileSync(path.join(seed, name), text);
  }
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', message);
  git(seed, 'push', '-q', 'origin', 'main');
  return git(seed, 'rev-parse', 'HEAD');
}

/** What actions/checkout leaves: a clone of origin with main checked out, shallow (its fetch-depth: 1) unless asked. */
function checkout(options: { full?: boolean; branch?: string } = {}): string {
  const dir = path.join(tmp, `workspace-${++workspaces}`);
  const branch = ['--branch', options.branch ?? 'main'];
  if (options.full) git(tmp, 'clone', '-q', ...branch, gh.bareRepo, dir);
  else git(tmp, 'clone', '-q', '--depth=1', ...branch, `file://${gh.bareRepo}`, dir);
  return dir;
}

interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

async function runAction(workspace: string, inputs: Record<string, string> = {}, extraEnv: Record<string, string> = {}): Promise<ActionRun> {
  const runnerTemp = mkdtempSync(path.join(tmp, 'runner-'));
  const outputFile = path.join(runnerTemp, 'output');
  const summaryFile = path.join(runnerTemp, 'summary');
  const eventFile = path.join(runnerTemp, 'event.json');
  writeFileSync(outputFile, '');
  writeFileSync(eventFile, JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'octo/infra', default_branch: 'main' } }));
  const inputEnv: Record<string, string> = {};
  for (const [name, spec] of Object.entries(ACTION.inputs)) {
    const value = name in inputs ? inputs[name]! : (spec.default ?? '');
    inputEnv[`INPUT_${name.toUpperCase()}`] = value.replace('${{ github.token }}', TOKEN);
  }
  for (const name of Object.keys(inputs)) if (!(name in ACTION.inputs)) throw new Error(`action.yml declares no input "${name}"`);
  const env = {
    ...GIT_ENV,
    HOME: path.join(tmp, 'home'),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'octo/infra',
    GITHUB_REPOSITORY_OWNER: 'octo',
    GITHUB_API_URL: gh.apiUrl,
    GITHUB_SERVER_URL: gh.serverUrl,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_REF_TYPE: 'branch',
    GITHUB_SHA: git(workspace, 'rev-parse', 'HEAD'),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp,
    ...inputEnv,
    ...extraEnv,
  };
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    // Asynchronous: the fake GitHub answers from this process.
    const child = spawn(process.execPath, [ENTRY], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ code: status ?? -1, stdout: out, stderr: err });
    });
  });
  const outputs: Record<string, string> = {};
  for (const match of readFileSync(outputFile, 'utf8').matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) outputs[match[1]!] = match[3]!;
  const summary = existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '';
  const result = { code, stdout, stderr, outputs, summary };
  expectNoToken(result, workspace, inputEnv.INPUT_TOKEN!);
  return result;
}

/** The token appears only in the ::add-mask:: commands (which the runner swallows): not in logs, outputs, configs or remotes. */
function expectNoToken(run: ActionRun, workspace: string, token: string): void {
  const logs = run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  for (const secret of [token, Buffer.from(`x-access-token:${token}`).toString('base64')]) {
    expect(logs).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
    expect(JSON.stringify(run.outputs)).not.toContain(secret);
    expect(run.summary).not.toContain(secret);
    expect(readFileSync(path.join(workspace, '.git', 'config'), 'utf8')).not.toContain(secret);
    expect(readFileSync(path.join(gh.bareRepo, 'config'), 'utf8')).not.toContain(secret);
  }
  expect(run.stdout).toContain(`::add-mask::${token}`);
  expect(git(workspace, 'remote', '-v')).not.toMatch(/ghs_|x-access-token|@127/);
}

function expectCheckoutUntouched(workspace: string, head: string): void {
  expect(git(workspace, 'rev-parse', 'HEAD')).toBe(head);
  expect(git(workspace, 'status', '--porcelain')).toBe('');
  expect(git(workspace, 'symbolic-ref', '--short', 'HEAD')).toBe('main');
}

beforeAll(() => {
  if (!existsSync(ENTRY)) throw new Error('dist/action/index.js is missing: run npm run bundle');
  expect(ACTION.runs.main).toBe('dist/action/index.js');
});

beforeEach(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'stackfix-action-'));
  mkdirSync(path.join(tmp, 'home'));
  gh = new FakeGitHub('octo', 'infra', TOKEN, path.join(tmp, 'srv'));
  await gh.start();
  mkdirSync(path.dirname(gh.bareRepo), { recursive: true });
  git(tmp, 'init', '-q', '--bare', '--initial-branch=main', gh.bareRepo);
  seed = path.join(tmp, 'dev');
  git(tmp, 'init', '-q', '--initial-branch=main', seed);
  git(seed, 'remote', 'add', 'origin', gh.bareRepo);
  commitToMain(
    {
      'stackfix.config.yml': CONFIG,
      '.github/stackfix/topic-name.mjs': PLUGIN,
      'templates/alerts.yaml': template('Alerts'),
      'templates/clean.yaml': fixed('Audit'),
      'README.md': '# infra\n',
    },
    'initial',
  );
});

afterEach(async () => {
  await gh.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('mode: pull-request', () => {
  test('pushes the fixes to the fix branch and opens one pull request', async () => {
    const main = bare('rev-parse', 'refs/heads/main');
    const ws = checkout();
    const run = await runAction(ws, { labels: 'stackfix, infrastructure' });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ changed: 'true', 'pull-request-number': '1', 'pull-request-operation': 'created', findings: '1' });
    expect(run.outputs['pull-request-url']).toBe(`${gh.serverUrl}/octo/infra/pull/1`);

    // The branch: one commit on top of main holding the patched file and nothing else.
    expect(bare('rev-parse', 'refs/heads/main')).toBe(main);
    expect(bare('rev-parse', 'stackfix/fixes^')).toBe(main);
    expect(bare('show', 'stackfix/fixes:templates/alerts.yaml')).toBe(fixed('Alerts').trimEnd());
    expect(bare('diff', '--name-only', 'main', 'stackfix/fixes')).toBe('templates/alerts.yaml');
    expect(bare('log', '-1', '--format=%an <%ae>|%s', 'stackfix/fixes')).toBe('github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|fix: apply stackfix fixes');
    expect(run.outputs.commit).toBe(bare('rev-parse', 'stackfix/fixes'));

    // The API: list, create, label; all authenticated.
    expect(gh.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /repos/octo/infra/pulls',
      'POST /repos/octo/infra/pulls',
      'POST /repos/octo/infra/issues/1/labels',
    ]);
    expect(gh.calls[0]!.query).toMatchObject({ head: 'octo:stackfix/fixes', base: 'main', state: 'open' });
    expect(gh.calls.every((c) => c.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(gh.pulls).toHaveLength(1);
    const pr = gh.pulls[0]!;
    expect(pr).toMatchObject({ head: 'stackfix/fixes', base: 'main', title: 'fix: apply stackfix fixes', labels: ['stackfix', 'infrastructure'] });
    expect(pr.body).toContain('| `templates/alerts.yaml` | `test-topic-name` | 1 | `Alerts`: topic has no name |');
    expect(pr.body).toContain('### What to do next');
    expect(run.summary).toContain('templates/alerts.yaml');

    expectCheckoutUntouched(ws, main);
  });

  test('a second run with nothing new pushes nothing and updates the same pull request', async () => {
    await runAction(checkout());
    const branch = bare('rev-parse', 'stackfix/fixes');
    gh.calls.length = 0;

    const again = await runAction(checkout());
    expect(again.code).toBe(0);
    expect(again.outputs).toMatchObject({ changed: 'true', 'pull-request-number': '1', 'pull-request-operation': 'updated' });
    expect(again.stdout).toContain('already holds these fixes');
    expect(bare('rev-parse', 'stackfix/fixes')).toBe(branch);
    expect(gh.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /repos/octo/infra/pulls', 'PATCH /repos/octo/infra/pulls/1']);
    expect(gh.pulls).toHaveLength(1);
  });

  test('new commits on main: the branch is rebuilt on them and the same pull request is updated', async () => {
    await runAction(checkout());
    const newMain = commitToMain({ 'templates/alerts.yaml': template('Alerts', 'Billing') }, 'add billing topic');

    const ws = checkout({ full: true });
    const run = await runAction(ws, { 'commit-message': 'chore(iac): stackfix\n\nAutomated.', author: 'Infra Bot <infra-bot@example.com>' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ 'pull-request-number': '1', 'pull-request-operation': 'updated', findings: '2' });
    expect(bare('rev-parse', 'stackfix/fixes^')).toBe(newMain);
    expect(bare('show', 'stackfix/fixes:templates/alerts.yaml')).toBe(fixed('Alerts', 'Billing').trimEnd());
    expect(bare('log', '-1', '--format=%an <%ae>|%s', 'stackfix/fixes')).toBe('Infra Bot <infra-bot@example.com>|chore(iac): stackfix');
    expect(gh.pulls).toHaveLength(1);
    expect(gh.pulls[0]!.title).toBe('chore(iac): stackfix');
    expect(gh.pulls[0]!.body).toContain('| `templates/alerts.yaml` | `test-topic-name` | 2 |');
    expectCheckoutUntouched(ws, newMain);
  });

  test('the base defaults to the checked-out branch', async () => {
    git(seed, 'checkout', '-q', '-b', 'release/1.x');
    writeFileSync(path.join(seed, 'templates', 'alerts.yaml'), template('Alerts', 'Legacy'));
    git(seed, 'commit', '-q', '-am', 'release');
    git(seed, 'push', '-q', 'origin', 'release/1.x');
    const release = bare('rev-parse', 'refs/heads/release/1.x');
    const run = await runAction(checkout({ branch: 'release/1.x' }), { branch: 'stackfix/release-1.x' }, { GITHUB_REF_NAME: 'release/1.x' });
    expect(run.code).toBe(0);
    expect(bare('rev-parse', 'stackfix/release-1.x^')).toBe(release);
    expect(gh.pulls[0]).toMatchObject({ head: 'stackfix/release-1.x', base: 'release/1.x' });
    expect(bare('show', 'stackfix/release-1.x:templates/alerts.yaml')).toBe(fixed('Alerts', 'Legacy').trimEnd());
  });

  test('a clean repository: no commit, no branch, no pull request, no API call', async () => {
    commitToMain({ 'templates/alerts.yaml': fixed('Alerts') }, 'fixed by hand');
    const run = await runAction(checkout());
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ changed: 'false', findings: '0', 'pull-request-operation': 'none' });
    expect(run.outputs['pull-request-number']).toBeUndefined();
    expect(bare('branch', '--list')).toBe('* main');
    expect(gh.calls).toEqual([]);
  });

  test('over HTTP the token travels as the Authorization header git sends, never in the remote URL or the config', async () => {
    const ws = checkout();
    git(ws, 'remote', 'set-url', 'origin', `${gh.serverUrl}/octo/infra.git`);
    // What actions/checkout persists: a header for the server. The action must replace it, not add a second one.
    git(ws, 'config', '--local', `http.${gh.serverUrl}/.extraheader`, 'AUTHORIZATION: basic c3RhbGU6Y3JlZGVudGlhbHM=');

    const run = await runAction(ws);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(bare('show', 'stackfix/fixes:templates/alerts.yaml')).toBe(fixed('Alerts').trimEnd());
    expect(gh.gitRequests.length).toBeGreaterThan(0);
    expect(gh.gitRequests.every((r) => r.authorized)).toBe(true);
    expect(gh.gitRequests.some((r) => r.path.endsWith('/git-receive-pack'))).toBe(true);
    expect(git(ws, 'remote', 'get-url', 'origin')).toBe(`${gh.serverUrl}/octo/infra.git`);
  });

  test('without the token git over HTTP is refused, and the message says so without leaking anything', async () => {
    const ws = checkout();
    git(ws, 'remote', 'set-url', 'origin', `${gh.serverUrl}/octo/infra.git`);
    const wrong = await runAction(ws, {}, { GITHUB_SERVER_URL: 'https://github.invalid' }); // header scoped elsewhere: git sends none
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/stackfix: reading the fix branch from origin failed/);
    expect(wrong.stderr).toMatch(/origin refused the credentials/);
    expect(wrong.stdout).toMatch(/::error::stackfix: reading the fix branch from origin failed/);
    expect(bare('branch', '--list')).toBe('* main');
    expect(gh.apiCalls('POST')).toEqual([]);
    expect(gh.gitRequests.some((r) => !r.authorized)).toBe(true);
  });

  test('a rejected push fails with a clear message, opens nothing and leaves main untouched', async () => {
    const main = bare('rev-parse', 'refs/heads/main');
    writeFileSync(
      path.join(gh.bareRepo, 'hooks', 'pre-receive'),
      '#!/bin/sh\nwhile read old new ref; do case "$ref" in refs/heads/stackfix/*) echo "GH006: Protected branch update failed for $ref." >&2; exit 1;; esac; done\n',
      { mode: 0o755 },
    );
    const ws = checkout();
    const run = await runAction(ws);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/push of stackfix\/fixes to origin was rejected or failed: .*GH006: Protected branch update failed/);
    expect(run.stderr).toMatch(/main is untouched/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(bare('rev-parse', 'refs/heads/main')).toBe(main);
    expect(bare('branch', '--list')).toBe('* main');
    expect(gh.apiCalls('POST')).toEqual([]);
    expectCheckoutUntouched(ws, main);
  });

  test('an API error fails with GitHub\'s message and a hint, leaves main untouched; a later run opens the pull request', async () => {
    const main = bare('rev-parse', 'refs/heads/main');
    gh.failures.push({
      method: 'POST',
      path: /\/pulls$/,
      status: 403,
      body: { message: 'GitHub Actions is not permitted to create or approve pull requests.', documentation_url: 'https://docs.github.com/rest' },
    });
    const failed = await runAction(checkout());
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /GitHub API POST \/repos\/octo\/infra\/pulls failed with 403: GitHub Actions is not permitted to create or approve pull requests\. \(the token needs "contents: write" and "pull-requests: write"/,
    );
    expect(failed.stdout).toMatch(/^::error::stackfix: GitHub API POST/m);
    expect(bare('rev-parse', 'refs/heads/main')).toBe(main);
    expect(gh.pulls).toHaveLength(0);

    const retried = await runAction(checkout());
    expect(retried.code).toBe(0);
    expect(retried.outputs).toMatchObject({ 'pull-request-number': '1', 'pull-request-operation': 'created' });
    expect(gh.pulls).toHaveLength(1);
  });

  test('a bad token is reported as such', async () => {
    const run = await runAction(checkout(), { token: 'ghs_wrongWrongWrong' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/GitHub API GET \/repos\/octo\/infra\/pulls failed with 401: Bad credentials \(the token is missing, expired or invalid\)/);
    expect(bare('branch', '--list')).toBe('* main'); // the API is tried before anything is pushed
  });

  test('a pull request opened meanwhile (422 "already exists") is updated, not duplicated', async () => {
    await runAction(checkout());
    commitToMain({ 'templates/alerts.yaml': template('Alerts', 'Billing') });
    gh.staleListOnce = true;
    gh.calls.length = 0;
    const run = await runAction(checkout());
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ 'pull-request-number': '1', 'pull-request-operation': 'updated' });
    expect(gh.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /repos/octo/infra/pulls',
      'POST /repos/octo/infra/pulls',
      'GET /repos/octo/infra/pulls',
      'PATCH /repos/octo/infra/pulls/1',
    ]);
    expect(gh.pulls).toHaveLength(1);
  });
});

describe('mode: check and sarif', () => {
  test('check annotates each pending fix and fails; a clean repository passes', async () => {
    const ws = checkout();
    const run = await runAction(ws, { mode: 'check' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::warning title=stackfix test-topic-name,file=templates/alerts.yaml,line=3,col=3::Alerts: topic has no name (stackfix can fix this)');
    expect(run.outputs).toMatchObject({ changed: 'false', findings: '1' });
    expect(bare('branch', '--list')).toBe('* main');
    expect(gh.calls).toEqual([]);
    expect(git(ws, 'status', '--porcelain')).toBe('');

    commitToMain({ 'templates/alerts.yaml': fixed('Alerts') });
    const clean = await runAction(checkout(), { mode: 'check' });
    expect(clean.code).toBe(0);
    expect(clean.stdout).not.toContain('::warning');
  });

  test('sarif writes a SARIF 2.1.0 file with the rule, the result and its fix', async () => {
    const ws = checkout();
    const run = await runAction(ws, { mode: 'sarif', 'sarif-file': 'out/stackfix.sarif' });
    expect(run.code).toBe(0);
    expect(run.outputs['sarif-file']).toBe(path.join(ws, 'out', 'stackfix.sarif'));
    const log = JSON.parse(readFileSync(path.join(ws, 'out', 'stackfix.sarif'), 'utf8'));
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['test-topic-name']);
    expect(log.runs[0].results).toHaveLength(1);
    expect(log.runs[0].results[0].fixes[0].artifactChanges[0].artifactLocation.uri).toBe('templates/alerts.yaml');
    expect(gh.calls).toEqual([]);
  });

  test('a bad input is a clear error', async () => {
    const run = await runAction(checkout(), { mode: 'push' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('stackfix: input "mode" must be one of pull-request, check, sarif; got "push"\n');
    const author = await runAction(checkout(), { author: 'just a name' });
    expect(author.code).toBe(1);
    expect(author.stderr).toBe('stackfix: input "author" must look like "Name <email>"; got "just a name"\n');
    expect(bare('branch', '--list')).toBe('* main');
  });

  test('pull-request mode on a pull_request event wants an explicit base', async () => {
    const run = await runAction(checkout(), {}, { GITHUB_EVENT_NAME: 'pull_request' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/on a pull_request event the checkout is the pull request's merge commit/);
    expect(bare('branch', '--list')).toBe('* main');
    expect(gh.calls).toEqual([]);
  });
});
