/**
 * Python inline code: where each substituted value stands (string literal, comment or code), and the
 * rewrite that reads it from the environment instead. A small lexer is enough here: Python has no
 * regex literals, so strings and comments are found exactly; what it cannot read is refused.
 */
import type { CodeRewrite, MarkedCode } from './marked-code.js';
import { applyEdits, markerHits, type Edit } from './marked-code.js';

interface PyString {
  start: number;
  end: number;
  /** Lower-cased prefix letters: `f`, `rb`, … */
  prefix: string;
  /** The prefix as written, to repeat on each piece. */
  rawPrefix: string;
  quote: string;
  bodyStart: number;
  bodyEnd: number;
  /** `{…}` replacement fields of an f-string: code, not text. */
  fields: Array<[number, number]>;
  /** Bracket depth where the string starts: inside brackets a newline does not end the statement. */
  depth: number;
}

interface PyLex {
  strings: PyString[];
  comments: Array<[number, number]>;
}

const VALID_PREFIXES = new Set(['', 'r', 'u', 'b', 'f', 't', 'br', 'rb', 'fr', 'rf', 'tr', 'rt']);
const STRING_START = /([rRbBuUfFtT]{0,2})('''|"""|'|")/y;
const IDENTIFIER_CHAR = /[\p{L}\p{N}_]/u;

class LexError extends Error {}

function lexPython(text: string): PyLex | string {
  try {
    return new PythonLexer(text).run();
  } catch (error) {
    if (error instanceof LexError) return error.message;
    throw error;
  }
}

class PythonLexer {
  private readonly strings: PyString[] = [];
  private readonly comments: Array<[number, number]> = [];
  private depth = 0;

  constructor(private readonly text: string) {}

  run(): PyLex {
    let i = 0;
    while (i < this.text.length) {
      const c = this.text[i]!;
      if (c === '#') {
        const end = this.lineEnd(i);
        this.comments.push([i, end]);
        i = end;
      } else if (this.stringAt(i)) {
        const string = this.lexString(i);
        this.strings.push(string);
        i = string.end;
      } else if (IDENTIFIER_CHAR.test(c)) {
        while (i < this.text.length && IDENTIFIER_CHAR.test(this.text[i]!)) i++;
      } else {
        if ('([{'.includes(c)) this.depth++;
        else if (')]}'.includes(c)) this.depth = Math.max(0, this.depth - 1);
        i++;
      }
    }
    return { strings: this.strings, comments: this.comments };
  }

  private lineEnd(i: number): number {
    const nl = this.text.indexOf('\n', i);
    return nl === -1 ? this.text.length : nl;
  }

  private stringAt(i: number): boolean {
    if (i > 0 && IDENTIFIER_CHAR.test(this.text[i - 1]!)) return false;
    STRING_START.lastIndex = i;
    const m = STRING_START.exec(this.text);
    return m !== null && VALID_PREFIXES.has(m[1]!.toLowerCase());
  }

  private lexString(start: number): PyString {
    STRING_START.lastIndex = start;
    const m = STRING_START.exec(this.text)!;
    const rawPrefix = m[1]!;
    const prefix = rawPrefix.toLowerCase();
    const quote = m[2]!;
    const bodyStart = start + m[0].length;
    const fields: Array<[number, number]> = [];
    const isF = prefix.includes('f') || prefix.includes('t');
    let j = bodyStart;
    while (j < this.text.length) {
      if (this.text.startsWith(quote, j)) {
        return { start, end: j + quote.length, prefix, rawPrefix, quote, bodyStart, bodyEnd: j, fields, depth: this.depth };
      }
      const c = this.text[j]!;
      if (c === '\\') {
        j += 2;
      } else if (quote.length === 1 && c === '\n') {
        break;
      } else if (isF && (c === '{' || c === '}') && this.text[j + 1] === c) {
        j += 2;
      } else if (isF && c === '{') {
        const end = this.fieldEnd(j + 1);
        fields.push([j, end]);
        j = end;
      } else {
        j++;
      }
    }
    throw new LexError(`a string literal that starts at line ${lineOf(this.text, start)} does not end`);
  }

  /** Past the `}` that closes an f-string replacement field; nested strings and brackets skipped. */
  private fieldEnd(i: number): number {
    let depth = 0;
    while (i < this.text.length) {
      const c = this.text[i]!;
      if (this.stringAt(i)) {
        i = this.lexString(i).end;
        continue;
      }
      if (c === '}' && depth === 0) return i + 1;
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) depth--;
      i++;
    }
    throw new LexError(`an f-string replacement field does not end`);
  }
}

/** Rewrite each substituted value as `os.environ['NAME']` where it stands inside a string literal. */
export function rewritePython(marked: MarkedCode): CodeRewrite {
  const lex = lexPython(marked.text);
  if (typeof lex === 'string') return { ok: false, reason: `its Python code could not be read (${lex})` };
  const edits: Edit[] = [];
  const used = new Set<number>();
  const inComments = new Set<number>();
  const byString = new Map<PyString, Array<{ at: number; index: number }>>();
  for (const hit of markerHits(marked)) {
    const comment = lex.comments.find(([s, e]) => hit.at >= s && hit.at < e);
    if (comment) {
      // A comment is not code: it keeps the placeholder as the template wrote it.
      edits.push({ start: hit.at, end: hit.at + hit.length, text: marked.placeholders[hit.index]!.written });
      inComments.add(hit.index);
      continue;
    }
    const string = lex.strings.find((s) => hit.at >= s.bodyStart && hit.at < s.bodyEnd);
    const written = marked.placeholders[hit.index]!.written;
    const line = lineOf(marked.text, hit.at);
    if (!string) {
      return { ok: false, reason: `${written} is used as Python code (line ${line}), not inside a string, so it cannot be read from an environment variable without changing what the code does` };
    }
    if (string.fields.some(([s, e]) => hit.at >= s && hit.at < e)) {
      return { ok: false, reason: `${written} stands inside an f-string's {…} expression (line ${line}), which is code, not text` };
    }
    byString.set(string, [...(byString.get(string) ?? []), { at: hit.at, index: hit.index }]);
    used.add(hit.index);
  }
  const wrapped = new Set<PyString>();
  for (const [string, hits] of byString) {
    const problem = splitProblem(marked, string, hits);
    if (problem) return { ok: false, reason: problem };
    const run = adjacentRun(marked.text, lex, string);
    const edges = { first: run[0] !== string, last: run[run.length - 1] !== string };
    const parts = pieces(marked, string, hits, edges);
    const wrap = (run.length > 1 || parts.length > 1) && !wrapped.has(run[0]!);
    // The opening parenthesis goes in first: it may share its offset with the string's own edit.
    if (wrap) edits.push({ start: run[0]!.start, end: run[0]!.start, text: '(' });
    edits.push({ start: string.start, end: string.end, text: parts.join(' + ') });
    if (wrap) {
      edits.push({ start: run[run.length - 1]!.end, end: run[run.length - 1]!.end, text: ')' });
      wrapped.add(run[0]!);
    }
  }
  if (used.size > 0) {
    const at = importOsAt(marked.text, lex);
    if (at !== undefined) edits.push({ start: at, end: at, text: `import os${marked.eol}` });
  }
  return { ok: true, code: applyEdits(marked.text, edits), used, inComments };
}

function splitProblem(marked: MarkedCode, string: PyString, hits: Array<{ at: number; index: number }>): string | undefined {
  const where = `(line ${lineOf(marked.text, string.start)})`;
  if (string.prefix.includes('b')) return `a substituted value stands inside a Python bytes literal ${where}; a str read from the environment cannot be spliced into it`;
  if (string.prefix.includes('t')) return `a substituted value stands inside a Python template string ${where}`;
  for (const hit of hits) {
    let backslashes = 0;
    for (let k = hit.at - 1; k >= string.bodyStart && marked.text[k] === '\\'; k--) backslashes++;
    if (backslashes % 2 === 1) return `a substituted value follows a backslash escape in a Python string ${where}`;
    const before = marked.text[hit.at - 1];
    if (string.quote.length === 3 && before === string.quote[0]) return `a substituted value follows a quote inside a triple-quoted Python string ${where}`;
  }
  return undefined;
}

/**
 * The string's text split at its substitutions: `'a' + os.environ['X'] + 'b'`. An empty first or
 * last piece is kept when a neighbouring literal must still join to it (`'x' '' + os.environ['X']`).
 */
function pieces(marked: MarkedCode, string: PyString, hits: Array<{ at: number; index: number }>, keepEdges: { first: boolean; last: boolean }): string[] {
  const literal = (from: number, to: number) => `${string.rawPrefix}${string.quote}${marked.text.slice(from, to)}${string.quote}`;
  const out: string[] = [];
  let cursor = string.bodyStart;
  const sorted = [...hits].sort((a, b) => a.at - b.at);
  for (const [n, hit] of sorted.entries()) {
    if (hit.at > cursor || (n === 0 && keepEdges.first)) out.push(literal(cursor, hit.at));
    out.push(`os.environ['${marked.names[hit.index]}']`);
    cursor = hit.at + marked.markerOf(hit.index).length;
  }
  if (string.bodyEnd > cursor || keepEdges.last) out.push(literal(cursor, string.bodyEnd));
  return out;
}

/**
 * Python joins adjacent string literals (`'a' 'b'`) before any operator applies, so a split string
 * that has neighbours is wrapped together with them: `('a' 'b' + os.environ['X'])`.
 */
function adjacentRun(text: string, lex: PyLex, string: PyString): PyString[] {
  const index = lex.strings.indexOf(string);
  const run = [string];
  for (let i = index - 1; i >= 0 && adjacent(text, lex, lex.strings[i]!, run[0]!); i--) run.unshift(lex.strings[i]!);
  for (let i = index + 1; i < lex.strings.length && adjacent(text, lex, run[run.length - 1]!, lex.strings[i]!); i++) run.push(lex.strings[i]!);
  return run;
}

function adjacent(text: string, lex: PyLex, a: PyString, b: PyString): boolean {
  let gap = text.slice(a.end, b.start);
  for (const [s, e] of lex.comments) if (s >= a.end && e <= b.start) gap = gap.replace(text.slice(s, e), '');
  gap = gap.replace(/\\\r?\n/g, '');
  if (/[^ \t\r\n]/.test(gap)) return false;
  return !/\n/.test(gap) || b.depth > 0;
}

/** Where to add `import os` (a line start), or undefined when the code already binds `os`. */
function importOsAt(text: string, lex: PyLex): number | undefined {
  const inString = (offset: number) => lex.strings.some((s) => offset > s.start && offset < s.end);
  const lines: Array<{ start: number; text: string }> = [];
  for (let start = 0; start <= text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    if (!inString(start)) lines.push({ start, text: text.slice(start, end).replace(/\r$/, '') });
    if (nl === -1) break;
    start = nl + 1;
  }
  const imports = lines.filter((l) => /^import\s/.test(l.text));
  const bindsOs = imports.some((l) =>
    l.text
      .replace(/^import\s+/, '')
      .replace(/#.*$/, '')
      .split(',')
      .some((name) => /^os(\.\w+)*$/.test(name.trim())),
  );
  if (bindsOs) return undefined;
  const firstImport = lines.find((l) => /^(import\s|from\s+(?!__future__\b)\S+\s+import\b)/.test(l.text));
  if (firstImport) return firstImport.start;
  const future = lines.filter((l) => /^from\s+__future__\s+import\b/.test(l.text)).pop();
  if (future) return text.indexOf('\n', future.start) + 1 || text.length;
  const header = lines.find((l) => !/^#!|^#.*coding[:=]/.test(l.text));
  return header?.start ?? 0;
}

/** Does the code import the `cfnresponse` module that only inline code gets? */
export function importsCfnResponse(text: string): boolean {
  return /^[ \t]*from[ \t]+cfnresponse[ \t]+import\b/m.test(text) || [...text.matchAll(/^[ \t]*import[ \t]+([^\n#]*)/gm)].some((m) => m[1]!.split(',').some((n) => /^cfnresponse\b/.test(n.trim())));
}

export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}
