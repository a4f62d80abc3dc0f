/**
 * The GitHub Actions runner protocol, without @actions/core: inputs from `INPUT_*` variables, outputs
 * and the job summary through the files the runner names, annotations and masks as workflow commands
 * on stdout. See "Workflow commands for GitHub Actions" in GitHub's documentation.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

export type Env = Record<string, string | undefined>;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * An input as the runner passes it: `INPUT_<NAME>` with the name upper-cased, spaces replaced by
 * underscores and dashes kept (`commit-message` → `INPUT_COMMIT-MESSAGE`). Trimmed; '' when unset.
 */
export function getInput(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** A list input: one item per line or comma-separated; blank items dropped. */
export function getList(env: Env, name: string): string[] {
  return getInput(env, name)
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The YAML 1.2 core schema booleans GitHub accepts for boolean inputs. */
export function getBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = getInput(env, name);
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new ActionError(`input "${name}" must be true or false, got "${value}"`);
}

/** An error whose message is meant for the user as it is (no stack). */
export class ActionError extends Error {
  override name = 'ActionError';
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export interface AnnotationProperties {
  title?: string;
  file?: string;
  line?: number;
  col?: number;
  endLine?: number;
  endColumn?: number;
}

/** `::warning file=a.yaml,line=3,col=5,title=…::message` */
export function command(name: string, properties: AnnotationProperties | Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`;
}

/**
 * Outputs are `name<<delimiter` blocks appended to the file in GITHUB_OUTPUT (outside Actions, without
 * that file, they are logged); the job summary is markdown appended to GITHUB_STEP_SUMMARY.
 */
export class Runner {
  private readonly secrets: string[] = [];

  constructor(
    private readonly env: Env,
    private readonly io: Io,
  ) {}

  /** Never print this value: the runner replaces it with *** in logs, and so does redact(). */
  addSecret(value: string): void {
    if (!value) return;
    this.secrets.push(value);
    this.io.stdout(`::add-mask::${escapeData(value)}${EOL}`);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }

  info(message: string): void {
    this.io.stdout(this.redact(message) + EOL);
  }

  annotate(kind: 'error' | 'warning' | 'notice', message: string, properties: AnnotationProperties = {}): void {
    this.io.stdout(this.redact(command(kind, properties, message)));
  }

  group<T>(title: string, body: () => Promise<T>): Promise<T> {
    this.io.stdout(`::group::${escapeData(title)}${EOL}`);
    return body().finally(() => this.io.stdout(`::endgroup::${EOL}`));
  }

  setOutput(name: string, value: string): void {
    const file = this.env.GITHUB_OUTPUT;
    if (!file) {
      this.info(`output ${name}=${value}`);
      return;
    }
    const delimiter = `ghadelimiter_${randomUUID()}`;
    appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
  }

  summary(markdown: string): void {
    const file = this.env.GITHUB_STEP_SUMMARY;
    if (file) appendFileSync(file, this.redact(markdown) + EOL, 'utf8');
  }
}
