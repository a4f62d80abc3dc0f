/**
 * What CloudFormation makes of a `ZipFile` / `InlineCode` value: literal text, and the places where it
 * substitutes a value at deploy time (`!Sub` placeholders, the intrinsic parts of an `!Join`).
 * Each such place becomes a `Placeholder`: the value CloudFormation would have put there, which the
 * extracted code then reads from an environment variable instead.
 */
import type { Json } from '../../src/document/cfn/index.js';
import { deepEqual, isPlainObject } from '../../src/document/cfn/index.js';
import pseudoParameters from './data/pseudo-parameters.json' with { type: 'json' };

export interface Placeholder {
  /** How the template wrote it, for messages and for comments that keep it: `${Bucket.Arn}`. */
  written: string;
  /** What CloudFormation resolves there: the environment variable's value. */
  value: Json;
  /** A readable base for the variable's name: `Bucket.Arn` → `BUCKET_ARN`. */
  nameHint: string;
  /** A variable Lambda already sets to this value (`AWS_REGION`): nothing to add. */
  builtin?: string;
}

export type Segment = { text: string } | { placeholder: Placeholder };

type TemplateCode =
  | { ok: true; form: 'literal' | 'Fn::Sub' | 'Fn::Join'; segments: Segment[] }
  | { ok: false; reason: string };

const PSEUDO = pseudoParameters as Record<string, { env?: string; builtin?: string; usable: boolean }>;

/** Read a code value. Anything that is not literal text, `Fn::Sub` or a flat `Fn::Join` is refused with the reason. */
export function readTemplateCode(value: Json | undefined): TemplateCode {
  if (typeof value === 'string') return { ok: true, form: 'literal', segments: [{ text: value }] };
  if (!isPlainObject(value)) return { ok: false, reason: 'the inline code is not text' };
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Fn::Sub') return withForm('Fn::Sub', readSub(value['Fn::Sub']!));
  if (keys.length === 1 && keys[0] === 'Fn::Join') return withForm('Fn::Join', readJoin(value['Fn::Join']!));
  const what = keys.length === 1 ? keys[0] : 'an object';
  return { ok: false, reason: `the inline code is given by ${what}, which stackfix cannot turn into one file safely (a pre-processor directive or a condition: extract it by hand)` };
}

function withForm(form: 'Fn::Sub' | 'Fn::Join', read: Segment[] | string): TemplateCode {
  return typeof read === 'string' ? { ok: false, reason: read } : { ok: true, form, segments: read };
}

/** `Fn::Sub` in both forms: a string, or `[string, { Var: value }]`. A string result is a refusal. */
function readSub(arg: Json): Segment[] | string {
  const [text, vars] = Array.isArray(arg) ? [arg[0], arg[1] ?? {}] : [arg, {}];
  if (typeof text !== 'string' || !isPlainObject(vars)) return 'its Fn::Sub does not have a literal string to substitute into';
  const segments: Segment[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('${', i);
    if (open === -1) break;
    pushText(segments, text.slice(i, open));
    // `${!Literal}` is CloudFormation's escape: it stands for the text `${Literal}`.
    if (text[open + 2] === '!') {
      pushText(segments, '${');
      i = open + 3;
      continue;
    }
    const close = text.indexOf('}', open + 2);
    if (close === -1) {
      pushText(segments, text.slice(open));
      i = text.length;
      break;
    }
    const name = text.slice(open + 2, close);
    const resolved = resolveSubName(name, vars);
    if (typeof resolved === 'string') return resolved;
    if ('text' in resolved) pushText(segments, resolved.text);
    else segments.push({ placeholder: resolved });
    i = close + 1;
  }
  pushText(segments, text.slice(i));
  return segments;
}

function resolveSubName(name: string, vars: { [key: string]: Json }): Placeholder | { text: string } | string {
  const written = `\${${name}}`;
  if (!/^[A-Za-z0-9_:.-]+$/.test(name)) return `its Fn::Sub has a placeholder ${written} that CloudFormation would not resolve`;
  if (name in vars) {
    const value = vars[name]!;
    // A literal in the variable map is substituted as text, exactly as CloudFormation does.
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { text: String(value) };
    return { written, value, nameHint: name };
  }
  if (name.startsWith('AWS::')) return pseudo(name, written);
  const dot = name.indexOf('.');
  if (dot === -1) return { written, value: { Ref: name }, nameHint: name };
  const [id, attribute] = [name.slice(0, dot), name.slice(dot + 1)];
  return { written, value: { 'Fn::GetAtt': [id, attribute] }, nameHint: `${id}_${attribute}` };
}

function pseudo(name: string, written: string): Placeholder | string {
  const known = PSEUDO[name];
  if (!known || !known.usable) return `its code substitutes ${written}, which is not a single text value an environment variable can carry`;
  return { written, value: { Ref: name }, nameHint: known.env ?? name, builtin: known.builtin };
}

/** `Fn::Join` with a literal delimiter and a literal list: literal parts are text, others are placeholders. */
function readJoin(arg: Json): Segment[] | string {
  if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string' || !Array.isArray(arg[1])) {
    return 'its Fn::Join does not have a literal delimiter and a literal list of parts';
  }
  const [delimiter, parts] = [arg[0], arg[1]];
  const segments: Segment[] = [];
  for (const [index, part] of parts.entries()) {
    if (index > 0) pushText(segments, delimiter);
    if (typeof part === 'string' || typeof part === 'number' || typeof part === 'boolean') {
      pushText(segments, String(part));
      continue;
    }
    // A nested Fn::Sub or Fn::Join is text with placeholders of its own: spliced in, not one opaque value.
    const nested = isPlainObject(part) && Object.keys(part).length === 1 ? nestedText(part) : undefined;
    if (nested !== undefined) {
      if (typeof nested === 'string') return nested;
      for (const segment of nested) 'text' in segment ? pushText(segments, segment.text) : segments.push(segment);
      continue;
    }
    const placeholder = joinPart(part, index);
    if (typeof placeholder === 'string') return placeholder;
    segments.push({ placeholder });
  }
  return segments;
}

function nestedText(part: { [key: string]: Json }): Segment[] | string | undefined {
  if ('Fn::Sub' in part) return readSub(part['Fn::Sub']!);
  if ('Fn::Join' in part) return readJoin(part['Fn::Join']!);
  return undefined;
}

function joinPart(part: Json, index: number): Placeholder | string {
  const written = `Fn::Join part ${index + 1}`;
  if (!isPlainObject(part)) return `its Fn::Join has a part (${written}) that is not text`;
  const ref = part.Ref;
  if (typeof ref === 'string' && ref.startsWith('AWS::')) {
    const resolved = pseudo(ref, written);
    return typeof resolved === 'string' ? resolved : { ...resolved, written: `{Ref: ${ref}} (${written})` };
  }
  if (typeof ref === 'string') return { written: `{Ref: ${ref}} (${written})`, value: part, nameHint: ref };
  const getAtt = part['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') {
    return { written: `{Fn::GetAtt: ${getAtt[0]}.${getAtt[1]}} (${written})`, value: part, nameHint: `${getAtt[0]}_${getAtt[1]}` };
  }
  const key = Object.keys(part)[0] ?? 'an object';
  return { written: `{${key}} (${written})`, value: part, nameHint: 'Value' };
}

function pushText(segments: Segment[], text: string): void {
  if (text === '') return;
  const last = segments[segments.length - 1];
  if (last && 'text' in last) last.text += text;
  else segments.push({ text });
}

/** The distinct placeholders, in order of first use; the same value used twice is one variable. */
export function distinctPlaceholders(segments: Segment[]): Placeholder[] {
  const out: Placeholder[] = [];
  for (const segment of segments) {
    if ('placeholder' in segment && !out.some((p) => deepEqual(p.value, segment.placeholder.value))) out.push(segment.placeholder);
  }
  return out;
}

/** Bytes of the text CloudFormation would write, counting each placeholder as written (a lower bound). */
export function codeBytes(segments: Segment[]): number {
  return segments.reduce((sum, s) => sum + Buffer.byteLength('text' in s ? s.text : s.placeholder.written), 0);
}

/** `DataBucket.Arn` → `DATA_BUCKET_ARN`: a valid environment variable name. */
export function envName(hint: string): string {
  const snake = hint
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return /^[A-Z]/.test(snake) ? snake : `VALUE_${snake}`;
}
