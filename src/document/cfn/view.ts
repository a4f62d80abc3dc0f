/**
 * The plain JSON view of a YAML AST: what transforms read. Short-form tags become their long forms
 * (`!GetAtt A.B` → `{ 'Fn::GetAtt': ['A', 'B'] }`), aliases are resolved, scalars keep their YAML
 * core-schema values.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { longFormOfTag } from './intrinsics.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function viewOf(node: unknown, doc: Document.Parsed): Json {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return viewOf(node.resolve(doc), doc);
  const inner = untaggedView(node as Node, doc);
  const tag = (node as Node).tag;
  if (tag && tag.startsWith('!') && !tag.startsWith('!!')) return wrapTagged(tag, inner);
  return inner;
}

/** The view of a node as if it had no tag: the argument of a short-form intrinsic. */
export function untaggedView(node: Node, doc: Document.Parsed): Json {
  if (isScalar(node)) return scalarValue(node.value);
  if (isMap(node)) {
    const out: { [key: string]: Json } = {};
    for (const pair of node.items) {
      const key = keyString(pair.key);
      out[key] = viewOf(pair.value, doc);
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((item) => viewOf(item, doc));
  if (isAlias(node)) return viewOf(node, doc);
  return null;
}

export function wrapTagged(tag: string, inner: Json): Json {
  const long = longFormOfTag(tag);
  // !GetAtt Resource.Attribute is the one short form whose scalar argument has a different long shape.
  if (long === 'Fn::GetAtt' && typeof inner === 'string') {
    const dot = inner.indexOf('.');
    return { [long]: dot === -1 ? [inner] : [inner.slice(0, dot), inner.slice(dot + 1)] };
  }
  return { [long]: inner };
}

export function keyString(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return '';
  return String(key);
}

function scalarValue(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return String(value);
}
