/**
 * Text for new nodes, in the file's own style. Renderers produce text at column 0 with '\n' line
 * ends; `indentLines` and the caller's EOL turn it into text that fits where it goes.
 *
 * The block layout is written here rather than by yaml's printer so that it follows the file exactly
 * (indent width, flush or indented sequences, short-form tags); yaml still decides how each scalar
 * must be quoted.
 */
import { Document, Scalar } from 'yaml';
import { BoundedCache } from '../../bounded-cache.js';
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

type JsonObject = { [key: string]: Json };
const isObject = (value: Json): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A value as the emitter sees it: a short-form tag and its argument, or a plain value. */
interface Tagged {
  tag?: string;
  value: Json;
}

/**
 * How yaml writes a string scalar: YAML 1.1 quoting for values, since older parsers read `yes`, `on`,
 * `0755` as booleans and octal numbers; 1.2 for keys. The two documents are made once: a document
 * builds its schema when created, which cost more than the scalar itself.
 */
const scalarDocuments = { '1.1': new Document(null, { version: '1.1' }), '1.2': new Document(null, { version: '1.2' }) };

function quoteScalar(value: string, asKey: boolean, style: YamlStyle): string {
  const doc = scalarDocuments[asKey ? '1.2' : '1.1'];
  doc.contents = new Scalar(value) as never;
  const text = doc.toString({ lineWidth: 0, singleQuote: style.singleQuote, indent: style.indent });
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** Scalars already written (keys and values repeat: `Type`, `Properties`, `Retain`…). */
const scalarTexts = new BoundedCache<string, string>(10_000);

class YamlEmitter {
  constructor(private readonly style: YamlStyle) {}

  /** Split off a short-form tag where the style wants one. A YAML node carries one tag, so `!Base64 !Sub x` stays long outside. */
  private tagged(value: Json): Tagged {
    const key = this.style.shortTags ? intrinsicKey(value) : undefined;
    if (!key || !isObject(value)) return { value };
    const tag = shortTagOf(key);
    const arg = value[key]!;
    if (!tag || intrinsicKey(arg)) return { value };
    if (key === 'Fn::GetAtt' && Array.isArray(arg) && arg.length === 2 && arg.every((a) => typeof a === 'string')) {
      return { tag, value: `${arg[0]}.${arg[1]}` };
    }
    return { tag, value: arg };
  }

  scalar(value: Json, asKey = false): string {
    if (value === null) return 'null';
    if (typeof value !== 'string') return String(value);
    const key = `${asKey ? 'k' : 'v'}${this.style.singleQuote ? "'" : '"'}${this.style.indent}\u0000${value}`;
    let text = scalarTexts.get(key);
    if (text === undefined) scalarTexts.set(key, (text = quoteScalar(value, asKey, this.style)));
    return text;
  }

  /** Text after `key:` for a value whose key sits at column 0: ` scalar` or `\n  nested`. */
  afterKey(value: Json): string {
    const { tag, value: inner } = this.tagged(value);
    const prefix = tag ? ` ${tag}` : '';
    if (Array.isArray(inner) && inner.length > 0) {
      const seqIndent = this.style.indentSeq ? this.style.indent : 0;
      return `${prefix}\n${indentAll(this.items(inner), seqIndent)}`;
    }
    if (isObject(inner) && Object.keys(inner).length > 0) return `${prefix}\n${indentAll(this.entries(inner), this.style.indent)}`;
    return `${prefix} ${this.inline(inner)}`;
  }

  /** Text after `-` for a sequence item whose dash sits at column 0. */
  afterDash(value: Json): string {
    const { tag, value: inner } = this.tagged(value);
    if (tag) {
      if ((Array.isArray(inner) && inner.length > 0) || (isObject(inner) && Object.keys(inner).length > 0)) {
        const body = Array.isArray(inner) ? this.items(inner) : this.entries(inner as JsonObject);
        return ` ${tag}\n${indentAll(body, 2)}`;
      }
      return ` ${tag} ${this.inline(inner)}`;
    }
    if (Array.isArray(inner) && inner.length > 0) return ' ' + indentLines(this.items(inner), '  ');
    if (isObject(inner) && Object.keys(inner).length > 0) return ' ' + indentLines(this.entries(inner), '  ');
    return ' ' + this.inline(inner);
  }

  /** `key: value` lines at column 0. */
  entries(object: JsonObject): string {
    return Object.entries(object)
      .map(([key, value]) => `${this.scalar(key, true)}:${indentLines(this.afterKey(value), '')}`)
      .join('\n');
  }

  /** `- item` lines at column 0. */
  items(values: Json[]): string {
    return values.map((value) => `-${this.afterDash(value)}`).join('\n');
  }

  /** A scalar, an empty collection, or a multi-line string's block scalar. */
  private inline(value: Json): string {
    if (Array.isArray(value)) return '[]';
    if (isObject(value)) return '{}';
    return indentLines(this.scalar(value), ' '.repeat(this.style.indent));
  }

  /** Single-line flow rendering, for values inside `{ }` or `[ ]`. */
  flow(value: Json): string {
    const { tag, value: inner } = this.tagged(value);
    const prefix = tag ? `${tag} ` : '';
    if (Array.isArray(inner)) return `${prefix}[${inner.map((v) => this.flow(v)).join(', ')}]`;
    if (isObject(inner)) return `${prefix}{${Object.entries(inner).map(([k, v]) => `${this.scalar(k, true)}: ${this.flow(v)}`).join(', ')}}`;
    if (typeof inner === 'string' && inner.includes('\n')) return prefix + JSON.stringify(inner);
    const text = this.scalar(inner);
    // Flow context forbids plain scalars with flow indicators.
    return prefix + (/^[^'"].*[,[\]{}]/.test(text) ? JSON.stringify(inner) : text);
  }
}

function indentAll(text: string, width: number): string {
  const indent = ' '.repeat(width);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : indent + line))
    .join('\n');
}

/** `Key: value` lines for new entries of a block map. */
export function renderYamlPairs(entries: Array<[string, Json]>, style: YamlStyle): string {
  return new YamlEmitter(style).entries(Object.fromEntries(entries));
}

/** `- item` lines for new items of a block sequence. */
export function renderYamlItems(items: Json[], style: YamlStyle): string {
  return new YamlEmitter(style).items(items);
}

/** What follows `key:` when a block map value is replaced: ` scalar` or `\n  nested: block`. */
export function renderYamlAfterKey(_key: string, value: Json, style: YamlStyle): string {
  return new YamlEmitter(style).afterKey(value);
}

/** What follows `-` when a block sequence item is replaced. */
export function renderYamlAfterDash(value: Json, style: YamlStyle): string {
  return new YamlEmitter(style).afterDash(value);
}

/** A single-line flow rendering, for values inside `{ }` or `[ ]`. */
export function renderYamlFlow(value: Json, style: YamlStyle): string {
  return new YamlEmitter(style).flow(value);
}

export function renderYamlDocument(value: Json, style: YamlStyle): string {
  const emitter = new YamlEmitter(style);
  if (isObject(value) && Object.keys(value).length > 0) return emitter.entries(value);
  if (Array.isArray(value) && value.length > 0) return emitter.items(value);
  return emitter.flow(value);
}

export function renderJson(value: Json, style: JsonStyle): string {
  return style.indentUnit ? JSON.stringify(value, null, style.indentUnit) : JSON.stringify(value);
}

export function renderJsonPair(key: string, value: Json, style: JsonStyle): string {
  return `${JSON.stringify(key)}:${style.colonSpace ? ' ' : ''}${renderJson(value, style)}`;
}
