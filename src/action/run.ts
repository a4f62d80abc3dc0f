/**
 * The GitHub Action: run stackfix over the checkout, then, by `mode`:
 * - `pull-request`: commit the fixes on a branch (built from HEAD with plumbing; the checkout is not
 *   touched), push it to origin, open a pull request or update the open one;
 * - `check`: an annotation per pending fix, failing when there is any;
 * - `sarif`: write a SARIF file for code scanning.
 * Returns the exit code; never throws.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fix, transformsFor, type FixOptions } from '../api.js';
import { StackfixError } from '../errors.js';
import type { RunResult } from '../pipeline/result.js';
import { renderSarif } from '../report/sarif.js';
import { authEnv, authSecrets, buildTree, Git, type FileChange } from './git.js';
import { GitHub, isAlreadyExists, type PullRequest } from './github.js';
import { renderSummary } from './summary.js';
import { ActionError, getBoolean, getInput, getList, Runner, type Env, type Io } from './workflow.js';

export type Mode = 'pull-request' | 'check' | 'sarif';
const MODES: Mode[] = ['pull-request', 'check', 'sarif'];

const DEFAULT_AUTHOR = 'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>';

export interface ActionInputs {
  mode: Mode;
  paths: string[];
  only: string[];
  skip: string[];
  config?: string;
  plugins: string[];
  base?: string;
  branch: string;
  token: string;
  commitMessage: string;
  title?: string;
  labels: string[];
  author: { name: string; email: string };
  sarifFile: string;
  failOnPending: boolean;
}

export function readInputs(env: Env): ActionInputs {
  const mode = (getInput(env, 'mode') || 'pull-request') as Mode;
  if (!MODES.includes(mode)) throw new ActionError(`input "mode" must be one of ${MODES.join(', ')}; got "${mode}"`);
  return {
    mode,
    paths: getList(env, 'paths'),
    only: getList(env, 'only'),
    skip: getList(env, 'skip'),
    config: getInput(env, 'config') || undefined,
    plugins: getList(env, 'plugins'),
    base: getInput(env, 'base') || undefined,
    branch: getInput(env, 'branch') || 'stackfix/fixes',
    token: getInput(env, 'token'),
    commitMessage: getInput(env, 'commit-message') || 'fix: apply stackfix fixes',
    title: getInput(env, 'title') || undefined,
    labels: getList(env, 'labels'),
    author: parseAuthor(getInput(env, 'author') || DEFAULT_AUTHOR),
    sarifFile: getInput(env, 'sarif-file') || 'stackfix.sarif',
    failOnPending: getBoolean(env, 'fail-on-pending', true),
  };
}

export async function runAction(env: Env, io: Io): Promise<number> {
  const runner = new Runner(env, io);
  const token = getInput(env, 'token');
  for (const secret of authSecrets(token)) runner.addSecret(secret);
  try {
    const inputs = readInputs(env);
    const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd());
    const run = await runner.group('stackfix', () => runStackfix(workspace, inputs, runner));
    const findings = run.summary.fixed + run.summary.manual;
    runner.setOutput('findings', String(findings));
    annotateErrors(run, runner);
    const errors = run.summary.errors;

    if (inputs.mode === 'check') return check(run, inputs, runner);
    if (inputs.mode === 'sarif') {
      const file = path.resolve(workspace, inputs.sarifFile);
      const transforms = await transformsFor(fixOptions(workspace, inputs));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, renderSarif(run, { transforms: transforms.map((t) => t.meta) }));
      runner.setOutput('sarif-file', file);
      runner.setOutput('changed', 'false');
      runner.info(`stackfix: wrote ${path.relative(workspace, file) || file} (${run.files.reduce((n, f) => n + f.findings.length, 0)} results).`);
      return errors > 0 ? 1 : 0;
    }
    const code = await pullRequest(run, inputs, workspace, env, runner);
    return code !== 0 ? code : errors > 0 ? 1 : 0;
  } catch (error) {
    const message = error instanceof ActionError ? error.message : error instanceof StackfixError ? error.format() : ((error as Error).stack ?? String(error));
    runner.annotate('error', `stackfix: ${message}`);
    io.stderr(runner.redact(`stackfix: ${message}\n`));
    return 1;
  }
}

function fixOptions(workspace: string, inputs: ActionInputs): FixOptions {
  return {
    root: workspace,
    paths: inputs.paths,
    only: inputs.only.length > 0 ? inputs.only : undefined,
    skip: inputs.skip.length > 0 ? inputs.skip : undefined,
    configFile: inputs.config ? path.resolve(workspace, inputs.config) : undefined,
    plugins: inputs.plugins.length > 0 ? inputs.plugins.map((p) => (p.startsWith('.') || (p.includes('/') && existsSync(path.resolve(workspace, p))) ? path.resolve(workspace, p) : p)) : undefined,
  };
}

async function runStackfix(workspace: string, inputs: ActionInputs, runner: Runner): Promise<RunResult> {
  if (inputs.config && !existsSync(path.resolve(workspace, inputs.config))) throw new ActionError(`config file not found: ${inputs.config}`);
  const run = await fix(fixOptions(workspace, inputs));
  const s = run.summary;
  runner.info(`stackfix: ${s.files} files, ${s.changed} changed, ${s.fixed} fixed, ${s.manual} need review, ${s.info} notes, ${s.errors} errors`);
  return run;
}

function annotateErrors(run: RunResult, runner: Runner): void {
  for (const error of run.errors) runner.annotate('error', error.message, { title: 'stackfix', file: error.file });
  for (const file of run.files) {
    for (const error of file.errors) runner.annotate('error', error.message, { title: 'stackfix', file: error.file ?? file.path, line: error.line, col: error.column });
  }
}

function check(run: RunResult, inputs: ActionInputs, runner: Runner): number {
  let pending = 0;
  for (const file of run.files) {
    if (file.errors.length > 0) continue;
    for (const f of file.findings) {
      if (f.status === 'fixed') {
        pending++;
        const subject = f.logicalId ?? f.constructPath;
        const message = subject && !f.message.startsWith(subject) ? `${subject}: ${f.message}` : f.message;
        runner.annotate('warning', `${message} (stackfix can fix this)`, {
          title: `stackfix ${f.transformId}`,
          file: f.file,
          line: f.line,
          col: f.column,
        });
      } else if (f.status === 'manual') {
        runner.annotate('notice', `${f.message}${f.reason ? ` — needs manual review: ${f.reason}` : ' — needs manual review'}`, {
          title: `stackfix ${f.transformId}`,
          file: f.file,
          line: f.line,
          col: f.column,
        });
      }
    }
  }
  runner.setOutput('changed', 'false');
  runner.summary(renderSummary(run, { mode: 'check', paths: inputs.paths.length > 0 ? inputs.paths : ['.'] }));
  if (pending > 0) runner.info(`stackfix: ${pending} fix${pending === 1 ? '' : 'es'} pending in ${run.summary.changed} file${run.summary.changed === 1 ? '' : 's'}; run stackfix --write, or this action with mode: pull-request.`);
  if (run.summary.errors > 0) return 1;
  return pending > 0 && inputs.failOnPending ? 1 : 0;
}

async function pullRequest(run: RunResult, inputs: ActionInputs, workspace: string, env: Env, runner: Runner): Promise<number> {
  const none = () => {
    runner.setOutput('changed', 'false');
    runner.setOutput('pull-request-operation', 'none');
    return 0;
  };
  const git = new Git({ cwd: workspace, env: gitEnv(env), redact: (t) => runner.redact(t) });
  const top = await git.ok(['rev-parse', '--show-toplevel'], { what: 'finding the git repository (is the workspace a checkout?)' });
  const prefix = path.relative(fsReal(top), fsReal(workspace)).split(path.sep).filter(Boolean).join('/');
  const changes: FileChange[] = [];
  for (const file of run.files) {
    if (file.errors.length > 0) continue;
    for (const created of file.created) changes.push({ path: join(prefix, created.path), text: created.text });
    if (file.changed) changes.push({ path: join(prefix, file.path), text: file.output });
  }
  if (changes.length === 0) {
    runner.info('stackfix: nothing to fix; no commit, no pull request.');
    return none();
  }

  const head = await git.ok(['rev-parse', 'HEAD']);
  const headTree = await git.ok(['rev-parse', 'HEAD^{tree}']);
  const topGit = new Git({ cwd: top, env: gitEnv(env), redact: (t) => runner.redact(t) });
  const tree = await buildTree(topGit, changes);
  if (tree === headTree) {
    runner.info('stackfix: the fixes match what HEAD already holds; no commit, no pull request.');
    return none();
  }

  if (!inputs.base && /^pull_request/.test(env.GITHUB_EVENT_NAME ?? '')) {
    throw new ActionError(
      `on a ${env.GITHUB_EVENT_NAME} event the checkout is the pull request's merge commit, not a branch to fix: ` +
        'use mode: check or sarif there, or check out the branch to fix and set "base"',
    );
  }
  const baseName = inputs.base ?? (await defaultBase(env, git));
  if (!baseName) throw new ActionError('cannot tell the base branch: set the "base" input');
  if (baseName === inputs.branch) throw new ActionError(`the fix branch "${inputs.branch}" is the base branch; set "branch" to another name`);
  const refCheck = await git.run(['check-ref-format', '--branch', inputs.branch]);
  if (refCheck.code !== 0) throw new ActionError(`"${inputs.branch}" is not a valid branch name`);

  if (!inputs.token) throw new ActionError('no token: pass "token" (default: github.token) with contents: write and pull-requests: write');
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) throw new ActionError('GITHUB_REPOSITORY is not set (owner/name)');

  // The API first: a token that cannot use it fails the run before anything is pushed.
  const api = new GitHub({ apiUrl: env.GITHUB_API_URL || 'https://api.github.com', token: inputs.token, owner, repo, redact: (t) => runner.redact(t) });
  const existing = await api.findOpenPull(inputs.branch, baseName);

  // Where the branch is now on origin, and whether it already holds exactly these fixes.
  const auth = authEnv(serverUrl(env), inputs.token);
  const ref = `refs/heads/${inputs.branch}`;
  const remote = await withRemoteHint(git.ok(['ls-remote', '--heads', 'origin', ref], { env: auth, what: 'reading the fix branch from origin' }));
  const remoteSha = remote.split(/\s+/)[0] || undefined;
  let commit: string | undefined;
  if (remoteSha) {
    const shallow = (await git.ok(['rev-parse', '--is-shallow-repository'])) === 'true';
    await withRemoteHint(
      git.ok(['fetch', '--no-tags', '--quiet', ...(shallow ? ['--depth=1'] : []), 'origin', `+${ref}:refs/stackfix/remote`], {
        env: auth,
        what: 'fetching the fix branch from origin',
      }),
    );
    const remoteTree = await git.ok(['rev-parse', 'refs/stackfix/remote^{tree}']);
    if (remoteTree === tree) commit = remoteSha;
    await git.run(['update-ref', '-d', 'refs/stackfix/remote']);
  }

  let pushed = false;
  if (commit) {
    runner.info(`stackfix: origin ${inputs.branch} already holds these fixes (${commit.slice(0, 12)}); nothing to push.`);
  } else {
    const author = inputs.author;
    commit = await git.ok(['commit-tree', tree, '-p', head, '-F', '-'], {
      input: inputs.commitMessage.endsWith('\n') ? inputs.commitMessage : inputs.commitMessage + '\n',
      env: { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email },
      what: 'committing the fixes',
    });
    // Replace the bot branch, but only if nobody moved it since we looked (force-with-lease).
    const push = await git.run(['push', '--porcelain', `--force-with-lease=${ref}:${remoteSha ?? ''}`, 'origin', `${commit}:${ref}`], { env: auth });
    if (push.code !== 0) {
      const detail = runner.redact(pushDetail(push.stdout + '\n' + push.stderr));
      throw new ActionError(`push of ${inputs.branch} to origin was rejected or failed: ${detail}${remoteHint(detail)}. Nothing was pushed; ${baseName} is untouched.`);
    }
    pushed = true;
    runner.info(`stackfix: pushed ${commit.slice(0, 12)} to origin ${inputs.branch} (on top of ${head.slice(0, 12)}).`);
  }
  runner.setOutput('changed', 'true');
  runner.setOutput('commit', commit);

  const title = inputs.title ?? inputs.commitMessage.split('\n')[0]!;
  const body = renderSummary(run, { mode: 'pull-request', paths: inputs.paths.length > 0 ? inputs.paths : ['.'] });
  let pr: PullRequest;
  let operation: 'created' | 'updated';
  if (existing) {
    pr = await api.updatePull(existing.number, { title, body });
    operation = 'updated';
  } else {
    try {
      pr = await api.createPull({ title, head: inputs.branch, base: baseName, body });
      operation = 'created';
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      const found = await api.findOpenPull(inputs.branch, baseName);
      if (!found) throw error;
      pr = await api.updatePull(found.number, { title, body });
      operation = 'updated';
    }
  }
  await api.addLabels(pr.number, inputs.labels);
  runner.setOutput('pull-request-number', String(pr.number));
  runner.setOutput('pull-request-url', pr.html_url);
  runner.setOutput('pull-request-operation', operation);
  runner.summary(body);
  runner.info(`stackfix: ${operation} pull request #${pr.number}${pushed ? '' : ' (branch unchanged)'}: ${pr.html_url}`);
  return 0;
}

/**
 * The base when the `base` input is empty: the branch checked out (the fix commit sits on its HEAD, so the
 * pull request holds the fixes and nothing else), else the branch that triggered the run, else the
 * repository's default branch from the event.
 */
async function defaultBase(env: Env, git: Git): Promise<string | undefined> {
  const current = await git.run(['symbolic-ref', '--quiet', '--short', 'HEAD']);
  if (current.code === 0 && current.stdout.trim()) return current.stdout.trim();
  if (env.GITHUB_REF_TYPE === 'branch' && env.GITHUB_REF_NAME) return env.GITHUB_REF_NAME;
  if (env.GITHUB_EVENT_PATH && existsSync(env.GITHUB_EVENT_PATH)) {
    try {
      const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as { repository?: { default_branch?: string } };
      if (event.repository?.default_branch) return event.repository.default_branch;
    } catch {
      // an unreadable event: no default then
    }
  }
  return undefined;
}

function gitEnv(env: Env): Env {
  // Only what git needs from the job's environment: no INPUT_* (the token), no GITHUB_TOKEN.
  const keep = Object.entries(env).filter(([k]) => !k.startsWith('INPUT_') && !/TOKEN|SECRET|PASSWORD/i.test(k) && !/^GIT_CONFIG_(COUNT|KEY_\d+|VALUE_\d+)$/.test(k));
  return Object.fromEntries(keep);
}

function serverUrl(env: Env): string {
  return env.GITHUB_SERVER_URL || 'https://github.com';
}

function parseAuthor(value: string): { name: string; email: string } {
  const match = /^\s*(.+?)\s*<([^<>]+)>\s*$/.exec(value);
  if (!match) throw new ActionError(`input "author" must look like "Name <email>"; got "${value}"`);
  return { name: match[1]!, email: match[2]! };
}

/** git push --porcelain: the rejected ref line ("!\tsrc:dst\t[rejected] (reason)") and the remote's own messages. */
function pushDetail(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== 'Done' && !l.startsWith('To '));
  const important = lines.filter((l) => l.startsWith('!') || /^remote:|error:|fatal:|rejected|denied|hook/i.test(l));
  return (important.length > 0 ? important : lines).slice(-8).join(' | ') || 'no output';
}

const AUTH_FAILURE = /could not read Username|Authentication failed|returned error: 40[13]|Permission to .* denied|Invalid username or (password|token)/i;

function remoteHint(message: string): string {
  return AUTH_FAILURE.test(message) ? ' (origin refused the credentials: the token needs "contents: write" on this repository)' : '';
}

async function withRemoteHint<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ActionError && remoteHint(error.message)) throw new ActionError(error.message + remoteHint(error.message));
    throw error;
  }
}

const join = (prefix: string, p: string) => (prefix ? `${prefix}/${p}` : p);

function fsReal(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
