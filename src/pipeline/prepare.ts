/** Pick and configure the transforms a run uses: built-ins and plugins, filtered by only/skip, options checked. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtinTransforms } from '../../transforms/index.js';
import { resolveOptions, type StackfixConfig } from '../config.js';
import { configError } from '../errors.js';
import type { Transform } from '../transform.js';
import type { PreparedTransform } from './types.js';

export interface PrepareOptions extends StackfixConfig {
  /** Extra transform objects (the programmatic way to add plugins). */
  extraTransforms?: Transform[];
  /** Where relative plugin paths and the config's own errors point. */
  configFile?: string;
}

export async function prepareTransforms(options: PrepareOptions = {}): Promise<PreparedTransform[]> {
  const all = [...builtinTransforms, ...(options.extraTransforms ?? []), ...(await loadPlugins(options.plugins ?? [], options.configFile))];
  const byId = new Map<string, Transform>();
  for (const transform of all) {
    if (byId.has(transform.meta.id)) throw configError(`two transforms share the id "${transform.meta.id}"`, options.configFile);
    byId.set(transform.meta.id, transform);
  }
  for (const id of [...(options.only ?? []), ...(options.skip ?? []), ...Object.keys(options.transforms ?? {})]) {
    if (!byId.has(id)) throw configError(`unknown transform "${id}" (see --list-transforms)`, options.configFile);
  }
  const only = options.only && options.only.length > 0 ? new Set(options.only) : undefined;
  const skip = new Set(options.skip ?? []);
  return all
    .filter((t) => (!only || only.has(t.meta.id)) && !skip.has(t.meta.id))
    .map((transform) => ({ transform, options: resolveOptions(transform, options.transforms?.[transform.meta.id], options.configFile) }));
}

async function loadPlugins(specifiers: string[], configFile: string | undefined): Promise<Transform[]> {
  const base = configFile ? path.dirname(configFile) : process.cwd();
  const out: Transform[] = [];
  for (const specifier of specifiers) {
    const url = specifier.startsWith('.') || path.isAbsolute(specifier) ? pathToFileURL(path.resolve(base, specifier)).href : specifier;
    let mod: { default?: unknown; transforms?: unknown };
    try {
      mod = (await import(url)) as typeof mod;
    } catch (error) {
      throw configError(`cannot load plugin ${specifier}: ${(error as Error).message}`, configFile);
    }
    const exported = mod.transforms ?? mod.default;
    const list = Array.isArray(exported) ? exported : [exported];
    for (const t of list) {
      if (!t || typeof t !== 'object' || !('meta' in t) || typeof (t as Transform).meta?.id !== 'string') {
        throw configError(`plugin ${specifier} does not export a transform (an object with meta.id and cfn/cdk halves)`, configFile);
      }
      out.push(t as Transform);
    }
  }
  return out;
}
