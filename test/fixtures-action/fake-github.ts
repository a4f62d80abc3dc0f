/**
 * A stand-in for GitHub on loopback, for the action's end-to-end test:
 * - the REST endpoints the action calls, under /api/v3 (GitHub Enterprise's layout, so the action must
 *   honour GITHUB_API_URL's path), validated as GitHub validates them: the token in the Authorization
 *   header, a User-Agent, required fields, the head branch existing on the remote, 422 when an open pull
 *   request already exists for the head and base;
 * - git's smart HTTP protocol for the repository at /<owner>/<repo>.git, through `git http-backend`,
 *   accepting only `Authorization: basic base64(x-access-token:<token>)` as GitHub does for tokens.
 * Every call is recorded. Nothing leaves 127.0.0.1.
 */
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization?: string;
}

export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  labels: string[];
}

export interface Failure {
  method: string;
  /** Matched against the path after /api/v3. */
  path: RegExp;
  status: number;
  body: unknown;
}

export class FakeGitHub {
  readonly calls: RecordedCall[] = [];
  readonly gitRequests: Array<{ path: string; authorized: boolean }> = [];
  readonly pulls: FakePull[] = [];
  /** Answer these once, instead of the real thing. */
  failures: Failure[] = [];
  /** The next pull list answers [] although one exists (a concurrent run), once. */
  staleListOnce = false;
  private server?: http.Server;
  port = 0;

  constructor(
    readonly owner: string,
    readonly repo: string,
    readonly token: string,
    /** Holds <owner>/<repo>.git, the bare repository. */
    readonly projectRoot: string,
  ) {}

  get serverUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get apiUrl(): string {
    return `${this.serverUrl}/api/v3`;
  }

  get bareRepo(): string {
    return `${this.projectRoot}/${this.owner}/${this.repo}.git`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.handle(req, res, Buffer.concat(chunks)).catch((error: Error) => {
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ message: `fake server bug: ${error.message}` }));
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  apiCalls(method?: string): RecordedCall[] {
    return this.calls.filter((c) => !method || c.method === method);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith(`/${this.owner}/${this.repo}.git/`)) return this.git(req, res, url, body);
    if (!url.pathname.startsWith('/api/v3/')) return send(res, 404, { message: 'Not Found' });
    const route = url.pathname.slice('/api/v3'.length);
    let parsed: unknown;
    try {
      parsed = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      return send(res, 400, { message: 'Problems parsing JSON' });
    }
    this.calls.push({ method: req.method!, path: route, query: Object.fromEntries(url.searchParams), body: parsed, authorization: req.headers.authorization });

    if (!req.headers['user-agent']) return send(res, 403, { message: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header' });
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${this.token}` && auth !== `token ${this.token}`) return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });

    const failure = this.failures.find((f) => f.method === req.method && f.path.test(route));
    if (failure) {
      this.failures = this.failures.filter((f) => f !== failure);
      return send(res, failure.status, failure.body);
    }

    const repoPrefix = `/repos/${this.owner}/${this.repo}`;
    if (!route.startsWith(repoPrefix + '/')) return send(res, 404, { message: 'Not Found' });
    const rest = route.slice(repoPrefix.length);
    const input = (parsed ?? {}) as Record<string, unknown>;

    if (req.method === 'GET' && rest === '/pulls') {
      const state = url.searchParams.get('state') ?? 'open';
      const head = url.searchParams.get('head');
      const base = url.searchParams.get('base');
      if (this.staleListOnce) {
        this.staleListOnce = false;
        return send(res, 200, []);
      }
      const found = this.pulls.filter(
        (p) => (state === 'all' || p.state === state) && (!head || `${this.owner}:${p.head}` === head) && (!base || p.base === base),
      );
      return send(res, 200, found.map((p) => this.view(p)));
    }

    if (req.method === 'POST' && rest === '/pulls') {
      const missing = ['head', 'base'].filter((k) => typeof input[k] !== 'string' || input[k] === '');
      if (typeof input.title !== 'string' && input.issue === undefined) missing.unshift('title');
      if (missing.length > 0) {
        return send(res, 422, { message: 'Validation Failed', errors: missing.map((field) => ({ resource: 'PullRequest', code: 'missing_field', field })) });
      }
      const head = String(input.head).replace(`${this.owner}:`, '');
      const base = String(input.base);
      const headSha = this.branchSha(head);
      const baseSha = this.branchSha(base);
      if (!headSha) return send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }] });
      if (!baseSha) return send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'base', code: 'invalid' }] });
      if (headSha === baseSha) return send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }] });
      if (this.pulls.some((p) => p.state === 'open' && p.head === head && p.base === base)) {
        return send(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${this.owner}:${head}.` }],
        });
      }
      const pull: FakePull = { number: this.pulls.length + 1, title: String(input.title), body: String(input.body ?? ''), head, base, state: 'open', labels: [] };
      this.pulls.push(pull);
      return send(res, 201, this.view(pull));
    }

    const patch = /^\/pulls\/(\d+)$/.exec(rest);
    if (req.method === 'PATCH' && patch) {
      const pull = this.pulls.find((p) => p.number === Number(patch[1]));
      if (!pull) return send(res, 404, { message: 'Not Found' });
      if (input.title !== undefined) pull.title = String(input.title);
      if (input.body !== undefined) pull.body = String(input.body);
      if (input.state === 'open' || input.state === 'closed') pull.state = input.state;
      return send(res, 200, this.view(pull));
    }

    const labels = /^\/issues\/(\d+)\/labels$/.exec(rest);
    if (req.method === 'POST' && labels) {
      const pull = this.pulls.find((p) => p.number === Number(labels[1]));
      if (!pull) return send(res, 404, { message: 'Not Found' });
      if (!Array.isArray(input.labels) || !input.labels.every((l) => typeof l === 'string')) {
        return send(res, 422, { message: 'Invalid request.\n\nFor \'properties/labels\', nil is not an array.' });
      }
      for (const label of input.labels as string[]) if (!pull.labels.includes(label)) pull.labels.push(label);
      return send(res, 200, pull.labels.map((name, id) => ({ id, name })));
    }

    return send(res, 404, { message: 'Not Found' });
  }

  private view(p: FakePull) {
    return {
      number: p.number,
      state: p.state,
      title: p.title,
      body: p.body,
      html_url: `${this.serverUrl}/${this.owner}/${this.repo}/pull/${p.number}`,
      head: { ref: p.head, label: `${this.owner}:${p.head}` },
      base: { ref: p.base },
    };
  }

  private branchSha(branch: string): string | undefined {
    try {
      return execFileSync('git', ['--git-dir', this.bareRepo, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  }

  /** git's smart HTTP, through git http-backend (CGI). */
  private git(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer): Promise<void> {
    const expected = `basic ${Buffer.from(`x-access-token:${this.token}`).toString('base64')}`;
    const authorized = (req.headers.authorization ?? '').toLowerCase() === expected.toLowerCase();
    this.gitRequests.push({ path: url.pathname, authorized });
    if (!authorized) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="GitHub"', 'Content-Type': 'text/plain' });
      res.end('Invalid username or token.\n');
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const child = spawn('git', ['http-backend'], {
        env: {
          PATH: process.env.PATH,
          GIT_PROJECT_ROOT: this.projectRoot,
          GIT_HTTP_EXPORT_ALL: '1',
          GIT_CONFIG_NOSYSTEM: '1',
          PATH_INFO: url.pathname,
          QUERY_STRING: url.search.replace(/^\?/, ''),
          REQUEST_METHOD: req.method ?? 'GET',
          CONTENT_TYPE: req.headers['content-type'] ?? '',
          CONTENT_LENGTH: String(body.length),
          HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
          HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
          REMOTE_USER: 'x-access-token',
          REMOTE_ADDR: '127.0.0.1',
        },
      });
      const out: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', () => {});
      child.stdin.on('error', () => {});
      child.stdin.end(body);
      child.on('close', () => {
        const all = Buffer.concat(out);
        const split = all.indexOf('\r\n\r\n');
        const headerText = split >= 0 ? all.subarray(0, split).toString('latin1') : '';
        const payload = split >= 0 ? all.subarray(split + 4) : all;
        let status = 200;
        const headers: Record<string, string> = {};
        for (const line of headerText.split('\r\n')) {
          const colon = line.indexOf(':');
          if (colon < 0) continue;
          const name = line.slice(0, colon).trim();
          const value = line.slice(colon + 1).trim();
          if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
          else headers[name] = value;
        }
        res.writeHead(status, headers);
        res.end(payload);
        resolve();
      });
    });
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
