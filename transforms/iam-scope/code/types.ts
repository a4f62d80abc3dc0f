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

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}
