/**
 * RFC 6902 operations applied without mutating what they are applied to: the containers on an
 * operation's path are copied, everything else is shared. Views before and after a fix share every
 * subtree the fix did not touch, so "did this resource change?" is an identity check.
 */
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { StackfixError } from '../../errors.js';
import { parsePointer } from '../pointer.js';
import { setOwn } from './json.js';
import type { Json } from './view.js';

// fast-json-patch is CommonJS: Node's ESM loader exposes its functions on the default export only.
const { applyOperation } = fastJsonPatch;

/** Apply one operation without mutating anything reachable from `root`: containers on the path are copied. */
export function applyCopyOnWrite(root: Json, op: Operation, fresh: Set<object>): Json {
  // Containers copied by an earlier operation of the same fix are already this fix's own: copying them
  // again would make a fix of n operations on a map of m keys cost n × m.
  const copy = (value: Json): Json => {
    if (value === null || typeof value !== 'object' || fresh.has(value)) return value;
    const copied = Array.isArray(value) ? value.slice() : copyObject(value);
    fresh.add(copied);
    return copied;
  };
  const newRoot = copy(root);
  const copyAlong = (path: string) => {
    const segments = parsePointer(path);
    let parent = newRoot as Record<string, Json> | Json[];
    for (const segment of segments.slice(0, -1)) {
      const key = Array.isArray(parent) ? Number(segment) : segment;
      const child = (parent as Record<string, Json>)[key as string];
      if (child === null || typeof child !== 'object') return;
      const cloned = copy(child) as Record<string, Json> | Json[];
      (parent as Record<string, Json>)[key as string] = cloned as Json;
      parent = cloned;
    }
  };
  copyAlong(op.path);
  if ('from' in op && op.from) copyAlong(op.from);
  // The view must not share objects with the operation (a transform may reuse its value in another fix).
  const owned = 'value' in op && op.value !== undefined ? { ...op, value: cloneJson(op.value as Json) } : op;
  try {
    return applyOperation(newRoot, owned as Operation, true, true, true).newDocument as Json;
  } catch (error) {
    throw new StackfixError('engine', `operation ${op.op} ${op.path} does not apply: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
}

/** A deep copy of a JSON value: several times faster than structuredClone on the small values fixes carry. */
function cloneJson(value: Json): Json {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(value)) setOwn(out, key, cloneJson(value[key]!));
  return out;
}

/** A shallow copy of a map: twice as fast as `{ ...value }` on the big maps (Resources with thousands of entries) that every fix copies. */
function copyObject(value: { [key: string]: Json }): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) setOwn(out, keys[i]!, value[keys[i]!]!);
  return out;
}
