/**
 * The raw text of a file, with the two things every printer must give back unchanged:
 * a UTF-8 byte order mark and the line ending style. Parsers see `body` (no BOM);
 * `restore` puts the BOM back on printed text.
 */
export interface SourceText {
  /** Path relative to the project root, with forward slashes. */
  path: string;
  /** The text after the BOM. */
  body: string;
  bom: boolean;
  /** The dominant line ending; new lines written by a fix use it. */
  eol: '\n' | '\r\n';
}

const BOM = '\uFEFF';

export function toSourceText(path: string, text: string): SourceText {
  const bom = text.startsWith(BOM);
  const body = bom ? text.slice(1) : text;
  return { path, body, bom, eol: detectEol(body) };
}

export function restoreText(source: SourceText, body: string): string {
  return source.bom ? BOM + body : body;
}

export function detectEol(text: string): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** 1-based line and column of an offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
