/** What reading a function's code yields: the AWS calls it makes, and the calls it makes that cannot be read. */

/** Where in the code: the file (relative to the template, or `<Fn> inline code`), its line, the call's text. */
export interface Evidence {
  file: string;
  line: number;
  text: string;
}

/**
 * Where a request parameter's value comes from, as far as a reading of the code can tell:
 * an environment variable, a literal, a `${Name}` that the template's `Fn::Sub` puts into inline code,
 * or nothing certain.
 */
export type ValueSource = { env: string } | { literal: string } | { sub: number } | { unknown: true };

export interface SdkCall {
  /** IAM service prefix. */
  service: string;
  /** The IAM actions the call needs (already mapped from the SDK operation). */
  actions: string[];
  /** The values of the request parameter that names the resource (several for batch/transact calls); empty: not found. */
  targets: ValueSource[];
  /** The request names a DynamoDB index (`IndexName`), so the index ARN is needed too. */
  usesIndex: boolean;
  /** The client was built with its own region or endpoint: resources may be in another region. */
  explicitRegion: boolean;
  evidence: Evidence;
}

/** A call whose service or operation the code computes at run time, or whose client leaves the code we read. */
export interface OpaqueCall {
  evidence: Evidence;
  reason: string;
}

export interface CodeReading {
  calls: SdkCall[];
  opaque: OpaqueCall[];
  /** Files read, relative to the template. */
  files: string[];
}

/** Reads one file's text; undefined when it is not in the project. Paths are relative to the template. */
export type ReadFile = (path: string) => string | undefined;

let lastText: string | undefined;
let lastLineStarts: number[] = [];

/**
 * 1-based line of an offset. Readers ask this once per call they find, always of the file they are
 * reading: the line starts of that file are computed once and searched, not rescanned per call.
 */
export function lineAt(text: string, offset: number): number {
  if (text !== lastText) {
    lastText = text;
    lastLineStarts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lastLineStarts.push(i + 1);
  }
  let lo = 0;
  let hi = lastLineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lastLineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}
