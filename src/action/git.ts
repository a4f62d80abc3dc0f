/**
 * The git the action needs, through the git CLI. The fix commit is built with plumbing (a private
 * index, hash-object, write-tree, commit-tree): the checkout's HEAD, index and working tree are never
 * touched, and nothing is ever pushed but the fix branch.
 *
 * The token reaches git only as an HTTP header in the environment of the commands that talk to the
 * remote (GIT_CONFIG_COUNT/KEY/VALUE, never argv, never .git/config, never the remote URL), scoped to
 * the GitHub server URL, as actions/checkout does it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActionError, type Env } from './workflow.js';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitOptions {
  cwd: string;
  /** The environment git runs with (PATH, HOME…). */
  env: Env;
  /** Applied to every message that leaves this module. */
  redact: (text: string) => string;
}

export class Git {
  constructor(private readonly options: GitOptions) {}

  /** Runs git; resolves whatever the exit code. */
  run(args: string[], extra: { input?: string; env?: Env } = {}): Promise<GitResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, {
        cwd: this.options.cwd,
        env: { ...this.options.env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', LC_ALL: 'C', ...extra.env } as NodeJS.ProcessEnv,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (error) => reject(new ActionError(`cannot run git: ${error.message}`)));
      child.on('close', (code) =>
        resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
      );
      child.stdin.on('error', () => {}); // git may exit before reading its input; the exit code tells
      child.stdin.end(extra.input ?? '');
    });
  }

  /** Runs git; throws an ActionError naming the command when it fails. Returns stdout, trimmed. */
  async ok(args: string[], extra: { input?: string; env?: Env; what?: string } = {}): Promise<string> {
    const result = await this.run(args, extra);
    if (result.code !== 0) {
      throw new ActionError(this.options.redact(`${extra.what ?? `git ${args[0]}`} failed (exit ${result.code}): ${lastLines(result.stderr || result.stdout)}`));
    }
    return result.stdout.trim();
  }
}

export function lastLines(text: string, count = 12): string {
  const lines = text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean);
  return lines.slice(-count).join('\n') || '(no output)';
}

/**
 * Git configuration given through the environment: an `http.<server>/.extraheader` with the token,
 * after an empty value that drops the header actions/checkout may have persisted for the same URL
 * (two Authorization headers make GitHub answer 400).
 */
export function authEnv(serverUrl: string, token: string): Env {
  if (!token) return {};
  const base = serverUrl.replace(/\/+$/, '') + '/';
  const basic = Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64');
  return {
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: `http.${base}.extraheader`,
    GIT_CONFIG_VALUE_0: '',
    GIT_CONFIG_KEY_1: `http.${base}.extraheader`,
    GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${basic}`,
  };
}

/** The secrets authEnv() derives from a token, for masking. */
export function authSecrets(token: string): string[] {
  if (!token) return [];
  const basic = Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64');
  return [token, basic];
}

export interface FileChange {
  /** Relative to the repository's top level, forward slashes. */
  path: string;
  text: string;
}

/**
 * A tree: HEAD's, with these files replaced or added. Built in a private index, so the checkout's own
 * index is left alone. Blobs are hashed with --path so .gitattributes filters (eol) apply as `git add`
 * would apply them.
 */
export async function buildTree(git: Git, changes: FileChange[]): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stackfix-index-'));
  const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
  try {
    await git.ok(['read-tree', 'HEAD'], { env });
    for (const change of changes) {
      const staged = await git.ok(['ls-files', '--stage', '--', change.path], { env });
      const mode = /^(\d{6})\s/.exec(staged)?.[1] ?? '100644';
      if (mode !== '100644' && mode !== '100755') throw new ActionError(`${change.path} is not a regular file in git (mode ${mode}); not committed`);
      const blob = await git.ok(['hash-object', '-w', `--path=${change.path}`, '--stdin'], { input: change.text, env });
      await git.ok(['update-index', '--add', '--cacheinfo', `${mode},${blob},${change.path}`], { env });
    }
    return await git.ok(['write-tree'], { env });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
