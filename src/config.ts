/**
 * Configuration: a `stackfix.config.yml` (or .yaml/.json) plus flags. Every value a user may disagree
 * with lives here, checked against the transforms' declared options: an unknown key is an error, not
 * a silent no-op.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configError } from './errors.js';
import type { OptionSpec, Transform } from './transform.js';

export interface StackfixConfig {
  /** Run only these transform ids. */
  only?: string[];
  /** Skip these transform ids. */
  skip?: string[];
  /** Accept duplicate mapping keys in templates, the last one winning, as CloudFormation does. */
  allowDuplicateKeys?: boolean;
  /** Per-transform options, by transform id. */
  transforms?: Record<string, Record<string, unknown>>;
  /** Modules exporting more transforms (plugins), resolved from the config file's folder. */
  plugins?: string[];
}

const TOP_LEVEL_KEYS = new Set(['only', 'skip', 'allowDuplicateKeys', 'transforms', 'plugins']);
export const CONFIG_FILE_NAMES = ['stackfix.config.yml', 'stackfix.config.yaml', 'stackfix.config.json'];

/** Find the config file in `root`, if any. */
export function findConfigFile(root: string): string | undefined {
  return CONFIG_FILE_NAMES.map((name) => path.join(root, name)).find((file) => existsSync(file));
}

export function loadConfigFile(file: string): StackfixConfig {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw configError(`cannot read config: ${(error as Error).message.split('\n')[0]}`, file);
  }
  return checkConfigShape(raw ?? {}, file);
}

export function checkConfigShape(raw: unknown, file?: string): StackfixConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw configError('config must be a mapping', file);
  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL_KEYS.has(key)) throw configError(`unknown config key "${key}" (known: ${[...TOP_LEVEL_KEYS].join(', ')})`, file);
  }
  const config = raw as StackfixConfig;
  for (const key of ['only', 'skip', 'plugins'] as const) {
    const value = config[key];
    if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
      throw configError(`"${key}" must be a list of strings`, file);
    }
  }
  if (config.allowDuplicateKeys !== undefined && typeof config.allowDuplicateKeys !== 'boolean') {
    throw configError('"allowDuplicateKeys" must be true or false', file);
  }
  if (config.transforms !== undefined && (typeof config.transforms !== 'object' || config.transforms === null || Array.isArray(config.transforms))) {
    throw configError('"transforms" must map transform ids to their options', file);
  }
  return config;
}

/** Resolve one transform's options: declared defaults overlaid with the config's values, each checked. */
export function resolveOptions(transform: Transform, given: Record<string, unknown> | undefined, file?: string): Record<string, unknown> {
  const { id, options: specs } = transform.meta;
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = structuredClone(spec.default);
  if (given === undefined || given === null) return out;
  if (typeof given !== 'object' || Array.isArray(given)) throw configError(`options of "${id}" must be a mapping`, file);
  for (const [name, value] of Object.entries(given)) {
    const spec = specs[name];
    if (!spec) {
      const known = Object.keys(specs);
      throw configError(`unknown option "${name}" for transform "${id}" (known: ${known.length ? known.join(', ') : 'none'})`, file);
    }
    const problem = checkOption(spec, value);
    if (problem) throw configError(`option "${id}.${name}" ${problem}`, file);
    out[name] = value;
  }
  return out;
}

function checkOption(spec: OptionSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      if (spec.min !== undefined && value < spec.min) return `must be at least ${spec.min}`;
      if (spec.max !== undefined && value > spec.max) return `must be at most ${spec.max}`;
      break;
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return 'must be true or false';
      break;
    case 'string[]':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return 'must be a list of strings';
      break;
    case 'record':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a mapping';
      break;
  }
  if (spec.enum && !spec.enum.some((allowed) => allowed === value)) {
    return `must be one of ${spec.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return undefined;
}
