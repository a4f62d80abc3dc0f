/**
 * The few REST calls the action makes, with Node's fetch against GITHUB_API_URL: find the open pull
 * request for the fix branch, create it or update it, label it. Errors name the call and GitHub's
 * message, never the token.
 */
import { ActionError } from './workflow.js';

export interface PullRequest {
  number: number;
  html_url: string;
  state?: string;
}

export interface GitHubOptions {
  apiUrl: string;
  token: string;
  owner: string;
  repo: string;
  redact: (text: string) => string;
  /** Per request; a hung API must not hang the job. */
  timeoutMs?: number;
}

export class GitHubApiError extends ActionError {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export class GitHub {
  constructor(private readonly options: GitHubOptions) {}

  private get repoPath(): string {
    return `/repos/${encodeURIComponent(this.options.owner)}/${encodeURIComponent(this.options.repo)}`;
  }

  async request<T>(method: string, route: string, body?: unknown): Promise<T> {
    const url = this.options.apiUrl.replace(/\/+$/, '') + route;
    const what = `GitHub API ${method} ${route.split('?')[0]}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${this.options.token}`,
          'X-GitHub-Api-Version': '2022-11-28',
          'User-Agent': 'stackfix-action',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
      throw new ActionError(this.options.redact(`${what} failed: ${cause}`));
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text for the message
    }
    if (!response.ok) {
      throw new GitHubApiError(this.options.redact(`${what} failed with ${response.status}: ${describeError(parsed)}${hint(response.status, method, route)}`), response.status, parsed);
    }
    return parsed as T;
  }

  /** The open pull request from `branch` (this repository) into `base`, if any. */
  async findOpenPull(branch: string, base: string): Promise<PullRequest | undefined> {
    const query = new URLSearchParams({ head: `${this.options.owner}:${branch}`, base, state: 'open', per_page: '10' });
    const pulls = await this.request<PullRequest[]>('GET', `${this.repoPath}/pulls?${query.toString()}`);
    return Array.isArray(pulls) ? pulls[0] : undefined;
  }

  createPull(input: { title: string; head: string; base: string; body: string }): Promise<PullRequest> {
    return this.request<PullRequest>('POST', `${this.repoPath}/pulls`, input);
  }

  updatePull(number: number, input: { title: string; body: string }): Promise<PullRequest> {
    return this.request<PullRequest>('PATCH', `${this.repoPath}/pulls/${number}`, input);
  }

  async addLabels(number: number, labels: string[]): Promise<void> {
    if (labels.length === 0) return;
    await this.request('POST', `${this.repoPath}/issues/${number}/labels`, { labels });
  }
}

/** GitHub's error body: `{ message, errors: [{ message } | { code, field }], documentation_url }`. */
function describeError(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 500) || '(empty response)';
  if (!body || typeof body !== 'object') return '(empty response)';
  const { message, errors } = body as { message?: unknown; errors?: unknown };
  const details = Array.isArray(errors)
    ? errors
        .map((e) => (typeof e === 'string' ? e : e && typeof e === 'object' ? ((e as { message?: string }).message ?? [(e as { field?: string }).field, (e as { code?: string }).code].filter(Boolean).join(' ')) : ''))
        .filter(Boolean)
    : [];
  return [typeof message === 'string' ? message : JSON.stringify(body).slice(0, 500), ...details].join('; ');
}

function hint(status: number, method: string, route: string): string {
  if (status === 401) return ' (the token is missing, expired or invalid)';
  if (status === 403 && method === 'POST' && route.endsWith('/pulls')) {
    return (
      ' (the token needs "contents: write" and "pull-requests: write"; with GITHUB_TOKEN, also allow' +
      ' "GitHub Actions to create and approve pull requests" in the repository or organization settings)'
    );
  }
  if ((status === 403 || status === 404) && route.endsWith('/labels')) return ' (labels need "pull-requests: write", and "issues: write" to create a label the repository does not have yet)';
  if (status === 403 || status === 404) return ' (check the token\'s permissions: "contents: write", "pull-requests: write")';
  return '';
}

/** A 422 from POST /pulls that says the pull request already exists (a concurrent run won the race). */
export function isAlreadyExists(error: unknown): boolean {
  return error instanceof GitHubApiError && error.status === 422 && /already exists/i.test(error.message);
}
