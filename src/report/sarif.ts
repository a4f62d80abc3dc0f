/**
 * SARIF 2.1.0: the report code scanning (GitHub, Azure DevOps, IDE viewers) reads.
 *
 * - One rule per transform that ran, from its meta: id, title, failure, help, docs link, default level.
 * - One result per finding, located by file, line and column, with the CloudFormation logical id or the
 *   CDK construct path as a logical location and a fingerprint that survives line moves.
 * - Levels: a fixable finding is a `warning`; one that needs manual review is a `warning` too, since the
 *   problem is just as real and stackfix leaves it in place; a note (`info`) is a `note`.
 * - A fixable finding carries a SARIF `fix`: the file's replacements (deleted region + inserted text,
 *   computed from the line diff) and the files the fix creates. A file's fixes apply together (one
 *   patched text), so every fixable finding of a file carries the same change set, which clears it.
 * - After `--write` (`applied`), fixed findings are `kind: "pass"` results with no fix.
 * Errors (a file that cannot be parsed...) are tool execution notifications, not results.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { diffLines } from 'diff';
import type { FileResult, RunResult } from '../pipeline/result.js';
import type { Finding, TransformMeta } from '../transform.js';

export interface SarifOptions {
  /** The transforms that ran (built-ins and plugins, after only/skip): one rule each. */
  transforms: TransformMeta[];
  /** The fixes were written (`--write`): fixed findings become passes, without a fix. */
  applied?: boolean;
  /** Defaults to the version in stackfix's package.json. */
  toolVersion?: string;
}

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

type Level = 'none' | 'note' | 'warning' | 'error';

export interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine?: number;
  endColumn?: number;
  charOffset?: number;
  charLength?: number;
}

export interface SarifReplacement {
  deletedRegion: SarifRegion;
  insertedContent?: { text: string };
}

export function renderSarif(run: RunResult, options: SarifOptions): string {
  return JSON.stringify(toSarif(run, options), null, 2) + '\n';
}

export function toSarif(run: RunResult, options: SarifOptions) {
  const metas = [...options.transforms];
  for (const file of run.files) {
    for (const f of file.findings) {
      if (!metas.some((m) => m.id === f.transformId)) metas.push({ id: f.transformId, title: f.transformId, failure: '', docsUrl: '', seeAlso: [], options: {} });
    }
  }
  const ruleIndex = new Map(metas.map((m, i) => [m.id, i]));
  const version = options.toolVersion ?? stackfixVersion();

  const results: object[] = [];
  for (const file of run.files) {
    const fix = !options.applied && file.errors.length === 0 ? fileFix(file) : undefined;
    for (const finding of file.findings) results.push(toResult(finding, ruleIndex.get(finding.transformId)!, options.applied === true, fix));
  }

  const notifications = [...run.errors, ...run.files.flatMap((f) => f.errors)].map((error) => ({
    level: 'error',
    message: { text: error.message },
    descriptor: { id: `stackfix/${error.code}` },
    ...(error.file
      ? {
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifact(error.file),
                ...(error.line ? { region: { startLine: error.line, ...(error.column ? { startColumn: error.column } : {}) } } : {}),
              },
            },
          ],
        }
      : {}),
  }));

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'stackfix',
            ...(version ? { version, semanticVersion: version } : {}),
            informationUri: 'https://www.npmjs.com/package/stackfix',
            rules: metas.map(toRule),
          },
        },
        invocations: [{ executionSuccessful: true, ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}) }],
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(run.root + path.sep).href } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function toRule(meta: TransformMeta) {
  const options = Object.entries(meta.options);
  const helpLines = [
    meta.failure ? `Problem: ${meta.failure}.` : '',
    `Fix: ${meta.title}.`,
    meta.seeAlso.length > 0 ? `Same check elsewhere: ${meta.seeAlso.join(', ')}.` : '',
    options.length > 0 ? `Options: ${options.map(([name, spec]) => `${name} (default ${JSON.stringify(spec.default)}): ${spec.description}`).join('; ')}.` : '',
    meta.docsUrl ? `More: ${meta.docsUrl}` : '',
  ].filter(Boolean);
  const markdown = [
    meta.failure ? `**Problem:** ${meta.failure}.` : '',
    `**Fix:** ${meta.title} (\`stackfix --only ${meta.id} --write\`).`,
    meta.seeAlso.length > 0 ? `**Same check elsewhere:** ${meta.seeAlso.map((s) => `\`${s}\``).join(', ')}.` : '',
    options.length > 0 ? `**Options** (\`-o ${meta.id}.<option>=<value>\`):\n\n${options.map(([name, spec]) => `- \`${name}\` (default \`${JSON.stringify(spec.default)}\`): ${spec.description}`).join('\n')}` : '',
    meta.docsUrl ? `[Documentation](${meta.docsUrl})` : '',
  ].filter(Boolean);
  return {
    id: meta.id,
    name: meta.id.replace(/(^|[-_])([a-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase()),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.failure || meta.title },
    help: { text: helpLines.join('\n'), markdown: markdown.join('\n\n') },
    ...(isAbsoluteUri(meta.docsUrl) ? { helpUri: meta.docsUrl } : {}),
    defaultConfiguration: { level: 'warning' as Level },
    properties: { tags: ['stackfix', 'infrastructure-as-code'], ...(meta.seeAlso.length > 0 ? { seeAlso: meta.seeAlso } : {}) },
  };
}

function toResult(finding: Finding, ruleIndex: number, applied: boolean, fix: object | undefined) {
  const passed = applied && finding.status === 'fixed';
  const level: Level = passed ? 'none' : finding.status === 'info' ? 'note' : 'warning';
  const text =
    finding.status === 'manual'
      ? `${sentence(finding.message)} Needs manual review${finding.reason ? `: ${finding.reason.trim().replace(/[.]$/, '')}` : ''}.`
      : passed
        ? `Fixed: ${finding.message}`
        : finding.message;
  const name = finding.logicalId ?? finding.constructPath;
  return {
    ruleId: finding.transformId,
    ruleIndex,
    ...(passed ? { kind: 'pass' } : {}),
    level,
    message: { text },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifact(finding.file),
          ...(finding.line ? { region: { startLine: finding.line, ...(finding.column ? { startColumn: finding.column } : {}) } } : {}),
        },
        ...(name || finding.pointer
          ? {
              logicalLocations: [
                {
                  ...(name ? { name } : {}),
                  ...(finding.pointer ? { fullyQualifiedName: finding.pointer } : finding.constructPath ? { fullyQualifiedName: finding.constructPath } : {}),
                  kind: finding.logicalId ? 'resource' : 'object',
                },
              ],
            }
          : {}),
      },
    ],
    partialFingerprints: {
      'stackfix/v1': createHash('sha256')
        .update([finding.transformId, finding.file, name ?? finding.pointer ?? String(finding.line ?? ''), finding.messageId ?? finding.message].join('\u0000'))
        .digest('hex')
        .slice(0, 32),
    },
    ...(finding.status === 'fixed' && fix ? { fixes: [fix] } : {}),
    properties: { status: finding.status, ...(finding.reason ? { reason: finding.reason } : {}) },
  };
}

/** One SARIF fix for everything stackfix changes in a file: its replacements and the files it creates. */
function fileFix(file: FileResult): object | undefined {
  const changes: object[] = [];
  if (file.changed) changes.push({ artifactLocation: artifact(file.path), replacements: replacements(file.original, file.output) });
  for (const created of file.created) changes.push({ artifactLocation: artifact(created.path), replacements: replacements('', created.text) });
  if (changes.length === 0) return undefined;
  const count = file.findings.filter((f) => f.status === 'fixed').length;
  return {
    description: {
      text:
        `Apply stackfix's fixes to ${file.path}` +
        (count > 1 ? ` (${count} fixes in this file, applied together)` : '') +
        (file.created.length > 0 ? `; creates ${file.created.map((c) => c.path).join(', ')}` : '') +
        '.',
    },
    artifactChanges: changes,
  };
}

/**
 * The line diff between two texts as SARIF replacements: each run of removed and added lines is one
 * replacement of the removed text (possibly empty: an insertion point) by the added text. Regions give
 * both line/column and character offsets, in UTF-16 code units, on the original text.
 */
export function replacements(original: string, output: string): SarifReplacement[] {
  const out: SarifReplacement[] = [];
  const lines = lineStarts(original);
  let offset = 0;
  let pending: { start: number; deleted: number; inserted: string } | undefined;
  const flush = () => {
    if (!pending) return;
    const start = position(lines, pending.start);
    const end = position(lines, pending.start + pending.deleted);
    out.push({
      deletedRegion: {
        startLine: start.line,
        startColumn: start.column,
        endLine: end.line,
        endColumn: end.column,
        charOffset: pending.start,
        charLength: pending.deleted,
      },
      ...(pending.inserted ? { insertedContent: { text: pending.inserted } } : {}),
    });
    pending = undefined;
  };
  for (const change of diffLines(original, output)) {
    if (change.added) {
      pending ??= { start: offset, deleted: 0, inserted: '' };
      pending.inserted += change.value;
    } else if (change.removed) {
      pending ??= { start: offset, deleted: 0, inserted: '' };
      pending.deleted += change.value.length;
      offset += change.value.length;
    } else {
      flush();
      offset += change.value.length;
    }
  }
  flush();
  return out;
}

/** Offsets where each line starts (a line ends after \n; \r\n counts as one terminator). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function position(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

function artifact(relativePath: string) {
  return { uri: relativePath.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

const sentence = (s: string) => (/[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);

function isAbsoluteUri(value: string): boolean {
  try {
    return Boolean(value) && Boolean(new URL(value).protocol);
  } catch {
    return false;
  }
}

let cachedVersion: string | undefined | null = null;

/** stackfix's version: the package.json above this module (build/, src/ under tests, or the action's dist/). */
export function stackfixVersion(): string | undefined {
  if (cachedVersion !== null) return cachedVersion;
  cachedVersion = undefined;
  try {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    for (;;) {
      const candidate = path.join(dir, 'package.json');
      if (existsSync(candidate)) {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'stackfix') {
          cachedVersion = pkg.version;
          break;
        }
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  } catch {
    // no version then: it is optional in SARIF
  }
  return cachedVersion;
}
