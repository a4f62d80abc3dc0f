/**
 * Text for new nodes, in the file's own style. Renderers produce text at column 0 with '\n' line
 * ends; `indentLines` and the caller's EOL turn it into text that fits where it goes.
 */
import { Document, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { intrinsicKey, shortTagOf } from './intrinsics.js';
import type { JsonStyle, YamlStyle } from './style.js';
import type { Json } from './view.js';

/** Prefix every line but the first with `indent` (blank lines stay blank). */
export function indentLines(text: string, indent: string): string {
  if (!indent) return text;
  return text
    .split('\n')
    .map((line, i) => (i === 0 || line === '' ? line : indent + line))
    .join('\n');
}

function isPlainObject(value: Json): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Build a yaml node, turning long-form intrinsics into short-form tags where the style wants them. */
function toYamlNode(doc: Document, value: Json, style: YamlStyle, flow: boolean): Node {
  const key = style.shortTags ? intrinsicKey(value) : undefined;
  if (key && isPlainObject(value)) {
    const tag = shortTagOf(key);
    const arg = value[key]!;
    // A YAML node carries one tag: `!Base64 !Sub x` is invalid, so an intrinsic whose argument is
    // itself an intrinsic object keeps the long form outside (`Fn::Base64: !Sub x`).
    if (tag && !intrinsicKey(arg)) {
      if (key === 'Fn::GetAtt' && Array.isArray(arg) && arg.length === 2 && arg.every((a) => typeof a === 'string')) {
        const scalar = new Scalar(`${arg[0]}.${arg[1]}`);
        scalar.tag = tag;
        return scalar;
      }
      const node = toYamlNode(doc, arg, style, flow);
      node.tag = tag;
      return node;
    }
  }
  if (Array.isArray(value)) {
    const seq = new YAMLSeq(doc.schema);
    seq.flow = flow;
    for (const item of value) seq.items.push(toYamlNode(doc, item, style, flow));
    return seq;
  }
  if (isPlainObject(value)) {
    const map = new YAMLMap(doc.schema);
    map.flow = flow;
    for (const [k, v] of Object.entries(value)) map.items.push(doc.createPair(k, toYamlNode(doc, v, style, flow)) as never);
    return map;
  }
  return new Scalar(value);
}

function yamlToString(value: Json, style: YamlStyle, flow = false): string {
  // Version 1.1 makes the printer quote strings that older YAML parsers read as booleans (`yes`, `on`),
  // which CloudFormation-adjacent tools still use.
  const doc = new Document(null, { version: '1.1' });
  doc.contents = toYamlNode(doc, value, style, flow) as never;
  const text = doc.toString({
    indent: style.indent,
    indentSeq: style.indentSeq,
    lineWidth: 0,
    singleQuote: style.singleQuote,
    flowCollectionPadding: false,
  });
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** `Key: value` lines for new entries of a block map. */
export function renderYamlPairs(entries: Array<[string, Json]>, style: YamlStyle): string {
  return yamlToString(Object.fromEntries(entries), style);
}

/** `- item` lines for new items of a block sequence. */
export function renderYamlItems(items: Json[], style: YamlStyle): string {
  return yamlToString(items, style);
}

/** What follows `key:` when a block map value is replaced: ` scalar` or `\n  nested: block`. */
export function renderYamlAfterKey(key: string, value: Json, style: YamlStyle): string {
  const text = yamlToString({ [key]: value }, style);
  const prefix = yamlToString({ [key]: null }, style).replace(/ ?null$/, '');
  return text.slice(prefix.length);
}

/** What follows `-` when a block sequence item is replaced. */
export function renderYamlAfterDash(value: Json, style: YamlStyle): string {
  return yamlToString([value], style).slice(1);
}

/** A single-line flow rendering, for values inside `{ }` or `[ ]`. */
export function renderYamlFlow(value: Json, style: YamlStyle): string {
  return yamlToString(value, style, true);
}

export function renderYamlDocument(value: Json, style: YamlStyle): string {
  return yamlToString(value, style);
}

export function renderJson(value: Json, style: JsonStyle): string {
  return style.indentUnit ? JSON.stringify(value, null, style.indentUnit) : JSON.stringify(value);
}

export function renderJsonPair(key: string, value: Json, style: JsonStyle): string {
  return `${JSON.stringify(key)}:${style.colonSpace ? ' ' : ''}${renderJson(value, style)}`;
}
