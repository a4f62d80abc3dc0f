import { Schema, YAMLMap, YAMLSeq, type CollectionTag, type ScalarTag, type Tags } from 'yaml';

/**
 * CloudFormation's YAML short forms (`!Ref`, `!GetAtt`, …) and the long forms they stand for.
 * The JSON view that transforms read always holds long forms; the printer turns them back into
 * short forms where the file uses them.
 */

/** Short-form tag name (without `!`) → the long-form key. */
const KNOWN: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  GetAtt: 'Fn::GetAtt',
};
for (const name of [
  'And', 'Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAZs', 'If', 'ImportValue', 'Join', 'Length', 'Not', 'Or',
  'Select', 'Split', 'Sub', 'ToJsonString', 'Transform', 'ForEach',
]) {
  KNOWN[name] = `Fn::${name}`;
}

const SHORT_BY_LONG = new Map(Object.entries(KNOWN).map(([short, long]) => [long, short]));

/**
 * yaml tag definitions for every short form, as scalar, sequence and mapping, each resolving to the
 * node as written. Without them yaml builds an "unresolved tag" warning (with a stack trace) for
 * every `!Ref` in a template, which was a tenth of the parse time.
 */
export const CFN_YAML_TAGS: Tags = Object.keys(KNOWN).flatMap((name): Tags => {
  const scalar: ScalarTag = { tag: `!${name}`, resolve: (value) => value };
  const seq: CollectionTag = { tag: `!${name}`, collection: 'seq', nodeClass: YAMLSeq, resolve: (value) => value };
  const map: CollectionTag = { tag: `!${name}`, collection: 'map', nodeClass: YAMLMap, resolve: (value) => value };
  return [scalar, seq, map];
});

/**
 * The YAML 1.2 core schema with the short forms, built once. Given `customTags`, yaml builds a schema
 * per document (about 75 µs: more than parsing a small piece), which a caller parsing many small
 * pieces avoids with `{ schema: CFN_YAML_SCHEMA }`. Only for text without a `%YAML` directive: a given
 * schema overrides the one a directive asks for.
 */
export const CFN_YAML_SCHEMA = new Schema({ schema: 'core', resolveKnownTags: true, customTags: CFN_YAML_TAGS });

/**
 * The long-form key for a YAML tag. Unknown local tags (a pre-processor's `!Rain::Embed`) keep their
 * name, so the view still shows them and the printer never touches them.
 */
export function longFormOfTag(tag: string): string {
  const name = tag.startsWith('!') ? tag.slice(1) : tag;
  return KNOWN[name] ?? (name.includes('::') ? name : `Fn::${name}`);
}

/** The short-form tag (`!Ref`) for a long-form key, if CloudFormation has one. */
export function shortTagOf(longKey: string): string | undefined {
  const short = SHORT_BY_LONG.get(longKey);
  return short && short !== 'ForEach' ? `!${short}` : undefined;
}

/** An object of exactly one key that is an intrinsic function: `{ Ref: X }`, `{ 'Fn::Sub': … }`. */
export function intrinsicKey(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? key : undefined;
}

/** Is this YAML tag one of CloudFormation's (as opposed to a core `!!str` or a pre-processor's)? */
export function isCfnTag(tag: string | undefined): tag is string {
  return tag !== undefined && tag.startsWith('!') && !tag.startsWith('!!') && KNOWN[tag.slice(1)] !== undefined;
}
