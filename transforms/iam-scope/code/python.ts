/**
 * Reads Python Lambda code: boto3 clients and resources (`boto3.client('s3')`, `Session().client`,
 * `boto3.resource('dynamodb').Table(name)`), the operations called on them, the parameter that names
 * each call's resource, and the calls that cannot be read (a service or method computed at run time).
 *
 * Python is read with regular expressions over a masked copy of the text (string contents and
 * comments blanked, so code inside strings or comments is never taken for a call); the values of
 * string literals are kept aside by offset.
 */
import {
  actionsForOperation,
  awsCallingLibraries,
  clientByBoto3,
  pascalCase,
  pythonHelpers,
  pythonResourceMethods,
  resourceParamsOf,
  type SdkClient,
} from '../data.js';
import { dirname, joinPath, literalSource } from './js.js';
import { refineActions } from './refine.js';
import { lineAt, oneLine, type CodeReading, type ReadFile, type ValueSource } from './types.js';

interface Masked {
  code: string;
  /** Offset of a literal's opening quote → its value (undefined for f-strings). */
  strings: Map<number, string | undefined>;
}

interface PyClient {
  client: SdkClient;
  /** `client`, `resource`, or a resource object such as `dynamodb.Table`. */
  kind: string;
  explicitRegion: boolean;
  target?: ValueSource;
}

/** Methods too common in other libraries to be taken for SDK calls on a receiver we did not trace. */
const GENERIC_METHODS = new Set(['get', 'put', 'delete', 'load', 'reload', 'copy', 'close', 'update', 'send', 'list', 'describe', 'invoke', 'publish', 'search', 'filter', 'all']);
const CLIENT_HELPERS = new Set(['get_paginator', 'generate_presigned_url']);

export function readPythonCode(entry: string, text: string, read: ReadFile, out: CodeReading, root: string, seen = new Set<string>()): void {
  if (seen.has(entry)) return;
  seen.add(entry);
  out.files.push(entry);
  new PyFile(entry, text, read, out, root, seen).read();
}

class PyFile {
  private readonly masked: Masked;
  private readonly clients = new Map<string, PyClient>();
  private readonly usedClients = new Set<SdkClient>();
  private readonly boto3Names = new Set<string>();
  private readonly sessionNames = new Set<string>();
  private readonly bareFactories = new Map<string, 'client' | 'resource'>();

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly readFile: ReadFile,
    private readonly out: CodeReading,
    private readonly root: string,
    private readonly seen: Set<string>,
  ) {
    this.masked = mask(text);
  }

  read(): void {
    this.readImports();
    this.readSessions();
    this.readClients();
    this.readResourceObjects();
    this.readCalls();
  }

  // ---- imports -------------------------------------------------------------------------------

  private readImports(): void {
    const { code } = this.masked;
    for (const m of code.matchAll(/^[ \t]*import[ \t]+([\w. \t,]+)$/gm)) {
      for (const part of m[1]!.split(',')) {
        const [module, alias] = part.trim().split(/\s+as\s+/);
        if (!module) continue;
        if (module === 'boto3') this.boto3Names.add(alias ?? 'boto3');
        this.onModule(module, [], m.index!);
      }
    }
    for (const m of code.matchAll(/^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+\(?([\w \t,\n]+)\)?/gm)) {
      const module = m[1]!;
      const names = m[2]!.split(',').map((n) => n.trim()).filter(Boolean);
      if (module === 'boto3' || module === 'boto3.session') {
        for (const name of names) {
          const [imported, alias] = name.split(/\s+as\s+/);
          if (imported === 'client' || imported === 'resource') this.bareFactories.set(alias ?? imported, imported);
          if (imported === 'Session' || imported === 'session') this.sessionNames.add(alias ?? imported);
        }
      }
      this.onModule(module, names.map((n) => n.split(/\s+as\s+/)[0]!), m.index!);
    }
  }

  /** Local modules are read too; libraries that call AWS themselves make the reading incomplete. */
  private onModule(module: string, names: string[], offset: number): void {
    const full = [module, ...names.map((n) => `${module}.${n}`)];
    const lib = awsCallingLibraries.python.find((l) => full.some((m) => m === l || m.startsWith(l + '.')));
    if (lib) {
      this.opaque(offset, `uses ${lib}, which calls AWS with the function's role in ways not visible here`);
      return;
    }
    for (const file of this.localModuleFiles(module, names)) {
      const text = this.readFile(file);
      if (text !== undefined) readPythonCode(file, text, this.readFile, this.out, this.root, this.seen);
    }
  }

  /** `from .x import y`, `from pkg.mod import y`, `import mod`: the files of this project they name. */
  private localModuleFiles(module: string, names: string[]): string[] {
    const dots = /^\.*/.exec(module)![0].length;
    const rest = module.slice(dots).split('.').filter(Boolean);
    const bases = dots > 0 ? [this.upFrom(dirname(this.path), dots - 1)] : [dirname(this.path), this.root];
    const files: string[] = [];
    for (const base of bases) {
      const stem = joinPath(base, rest.join('/'));
      files.push(`${stem}.py`, joinPath(stem, '__init__.py'));
      for (const name of names) files.push(joinPath(stem, `${name}.py`));
    }
    return [...new Set(files)].filter((f) => f.endsWith('.py') && f !== '.py');
  }

  private upFrom(dir: string, levels: number): string {
    let out = dir;
    for (let i = 0; i < levels; i++) out = dirname(out);
    return out;
  }

  // ---- clients -------------------------------------------------------------------------------

  private readSessions(): void {
    const boto3 = [...this.boto3Names].map(escape).join('|') || 'boto3';
    const re = new RegExp(`^[ \\t]*((?:self\\.)?\\w+)[ \\t]*=[ \\t]*(?:(?:${boto3})\\.(?:session\\.)?)?Session\\(`, 'gm');
    for (const m of this.masked.code.matchAll(re)) this.sessionNames.add(m[1]!);
  }

  /** `x = boto3.client('s3')`, `session.resource('dynamodb')`, `client('sqs')` after `from boto3 import client`. */
  private readClients(): void {
    const { code } = this.masked;
    for (const m of code.matchAll(/(?:\b((?:self\.)?\w+)[ \t]*\.[ \t]*)?\b(client|resource)[ \t]*\(/g)) {
      const receiver = m[1];
      const factory = m[2] as 'client' | 'resource';
      const isFactory = receiver
        ? this.boto3Names.has(receiver) || this.sessionNames.has(receiver)
        : this.bareFactories.get(factory) === factory;
      if (!isFactory) continue;
      const open = m.index! + m[0].length - 1;
      const close = matchingParen(code, open);
      const argText = code.slice(open + 1, close);
      const service = this.stringAt(open + 1 + argText.search(/\S/)) ?? this.kwargString(open, close, 'service_name');
      if (service === undefined) {
        this.opaque(m.index!, `creates a boto3 ${factory} for a service computed at run time`);
        continue;
      }
      const client = clientByBoto3(service);
      if (!client) {
        this.opaque(m.index!, `uses the boto3 ${factory} '${service}', which stackfix cannot map to IAM actions`);
        continue;
      }
      this.usedClients.add(client);
      const ref: PyClient = { client, kind: factory, explicitRegion: /\b(region_name|endpoint_url)\s*=/.test(argText) };
      const name = assignedBefore(code, m.index!);
      // `boto3.resource('dynamodb').Table(name)`: the object, not the resource, is what gets assigned.
      const object = factory === 'resource' ? this.resourceObject(ref, close + 1, name ?? undefined) : false;
      if (name && !object) this.clients.set(name, ref);
      if (!object) this.chainedCall(close, ref, m.index!);
    }
  }

  /** `table = dynamodb.Table(os.environ['TABLE'])`, `bucket = s3.Bucket(name)`, `obj = s3.Object(b, k)`. */
  private readResourceObjects(): void {
    const { code } = this.masked;
    for (const m of code.matchAll(/\b((?:self\.)?\w+)(?=[ \t]*\.[ \t]*(?:Table|Bucket|Object|Queue|Topic)[ \t]*\()/g)) {
      const parent = this.clients.get(m[1]!);
      if (parent?.kind === 'resource') this.resourceObject(parent, m.index! + m[0].length, assignedBefore(code, m.index!));
    }
  }

  /** A resource object made at `at` (`.Table(…)` follows): tracked under the name it is assigned to. */
  private resourceObject(parent: PyClient, at: number, name: string | undefined): boolean {
    const { code } = this.masked;
    const m = /^[ \t]*\.[ \t]*(Table|Bucket|Object|Queue|Topic)[ \t]*\(/.exec(code.slice(at));
    const kind = m ? `${parent.client.boto3}.${m[1]}` : '';
    if (!m || !pythonResourceMethods[kind]) return false;
    const open = at + m[0].length - 1;
    const close = matchingParen(code, open);
    const firstArg = splitArgs(code, open, close)[0];
    const target = firstArg ? this.valueOf(firstArg[0], firstArg[1]) : { unknown: true as const };
    const ref: PyClient = { client: parent.client, kind, explicitRegion: parent.explicitRegion, target };
    if (name) this.clients.set(name, ref);
    this.chainedCall(close, ref, at);
    return true;
  }

  /** `boto3.client('s3').get_object(...)`: a call right on the expression that made the client. */
  private chainedCall(close: number, ref: PyClient, at: number): void {
    const after = /^[ \t]*\.[ \t]*(\w+)[ \t]*\(/.exec(this.masked.code.slice(close + 1));
    if (!after) return;
    const open = close + after[0].length;
    this.onMethod(ref, after[1]!, open, matchingParen(this.masked.code, open), at);
  }

  // ---- calls ---------------------------------------------------------------------------------

  private readCalls(): void {
    const { code } = this.masked;
    for (const m of code.matchAll(/\bgetattr[ \t]*\([ \t]*((?:self\.)?\w+)/g)) {
      if (this.clients.has(m[1]!)) this.opaque(m.index!, 'calls a client method whose name is computed at run time (getattr)');
    }
    for (const m of code.matchAll(/\b((?:self\.)?\w+)[ \t]*\.[ \t]*(\w+)[ \t]*\(/g)) {
      const open = m.index! + m[0].length - 1;
      const ref = this.clients.get(m[1]!);
      if (ref) this.onMethod(ref, m[2]!, open, matchingParen(code, open), m.index!);
      else this.onUntracedMethod(m[1]!, m[2]!, open, m.index!);
    }
  }

  private onMethod(ref: PyClient, method: string, open: number, close: number, at: number): void {
    if (ref.kind === 'resource') return; // Table/Bucket/... are read by readResourceObjects
    if (ref.kind !== 'client') {
      const operation = pythonResourceMethods[ref.kind]?.[method];
      if (operation) this.addCall(ref.client, operation, open, close, at, ref.explicitRegion, ref.target);
      return;
    }
    if (CLIENT_HELPERS.has(method)) {
      const first = splitArgs(this.masked.code, open, close)[0];
      const op = first ? this.stringAt(first[0]) ?? this.kwargString(open, close, 'ClientMethod') : undefined;
      if (op === undefined) this.opaque(at, `calls ${method} with an operation computed at run time`);
      else this.addCall(ref.client, pascalCase(op), open, close, at, ref.explicitRegion);
      return;
    }
    if (method === 'get_waiter') {
      this.opaque(at, 'waits with a waiter, whose operations stackfix does not map');
      return;
    }
    const operation = pythonHelpers[`${ref.client.boto3}.${method}`] ?? pascalCase(method);
    if (actionsForOperation(ref.client, operation)) this.addCall(ref.client, operation, open, close, at, ref.explicitRegion);
  }

  /**
   * A client or table handed to a helper is called on a name we did not trace (`def save(table):
   * table.put_item(...)`). A method that is an operation of a service this code uses is taken as
   * that call, with its resource unknown; names common elsewhere are not.
   */
  private onUntracedMethod(receiver: string, method: string, open: number, at: number): void {
    if (GENERIC_METHODS.has(method) || this.boto3Names.has(receiver) || !method.includes('_') && !/^(query|scan)$/.test(method)) return;
    for (const client of this.usedClients) {
      const resourceOp = Object.entries(pythonResourceMethods)
        .filter(([kind]) => kind.startsWith(`${client.boto3}.`))
        .map(([, methods]) => methods[method])
        .find(Boolean);
      const operation = resourceOp ?? pythonHelpers[`${client.boto3}.${method}`] ?? pascalCase(method);
      if (!actionsForOperation(client, operation)) continue;
      this.addCall(client, operation, open, matchingParen(this.masked.code, open), at, true, { unknown: true });
    }
  }

  private addCall(client: SdkClient, operation: string, open: number, close: number, at: number, explicitRegion: boolean, objectTarget?: ValueSource): void {
    const actions = actionsForOperation(client, operation);
    if (actions === undefined) {
      this.opaque(at, `calls ${client.iam} ${operation}, which the IAM reference has no action for`);
      return;
    }
    if (actions.length === 0) return;
    const span = { from: open + 1, to: close };
    const targets: ValueSource[] = objectTarget ? [objectTarget] : [];
    for (const p of resourceParamsOf(client.iam)) targets.push(...this.paramValues(span, p.param));
    const keys = this.keysIn(span);
    this.out.calls.push({
      service: client.iam,
      actions: refineActions(actions, keys, this.statementIn(span)),
      targets,
      usesIndex: keys.has('IndexName'),
      explicitRegion,
      evidence: this.evidence(at, close),
    });
  }

  // ---- values --------------------------------------------------------------------------------

  /** `Param=value` keyword arguments and `'Param': value` dict entries inside a call's arguments. */
  private paramValues(span: { from: number; to: number }, param: string): ValueSource[] {
    const { code } = this.masked;
    const found: ValueSource[] = [];
    const inner = code.slice(span.from, span.to);
    for (const m of inner.matchAll(new RegExp(`\\b${param}[ \\t]*=(?!=)[ \\t]*`, 'g'))) {
      const start = span.from + m.index! + m[0].length;
      found.push(this.valueOf(start, expressionEnd(code, start, span.to)));
    }
    for (const [offset, value] of this.masked.strings) {
      if (offset < span.from || offset >= span.to || value !== param) continue;
      const colon = /^['"][ \t]*:[ \t]*/.exec(code.slice(offset + stringLength(code, offset) - 1));
      if (!colon) continue;
      const start = offset + stringLength(code, offset) - 1 + colon[0].length;
      found.push(this.valueOf(start, expressionEnd(code, start, span.to)));
    }
    return found;
  }

  private keysIn(span: { from: number; to: number }): Set<string> {
    const keys = new Set<string>();
    const inner = this.masked.code.slice(span.from, span.to);
    for (const m of inner.matchAll(/\b(\w+)[ \t]*=(?!=)/g)) keys.add(m[1]!);
    for (const [offset, value] of this.masked.strings) if (offset >= span.from && offset < span.to && value) keys.add(value);
    return keys;
  }

  private statementIn(span: { from: number; to: number }): string | undefined {
    const values = this.paramValues(span, 'Statement');
    if (values.length === 0 || values.some((v) => !('literal' in v))) return undefined;
    return values.map((v) => ('literal' in v ? v.literal : '')).join(' ');
  }

  /** Where the expression between two offsets gets its value. */
  private valueOf(from: number, to: number, depth = 0): ValueSource {
    const code = this.masked.code;
    const expr = code.slice(from, to).trim();
    const start = from + code.slice(from, to).search(/\S/);
    if (depth > 5 || !expr) return { unknown: true };
    const literal = /^['"]/.test(expr) ? this.stringAt(start) : undefined;
    if (literal !== undefined && stringLength(code, start) === expr.length) return literalSource(literal);
    const env = /^(?:os\.)?(?:environ\s*\[\s*|environ\.get\s*\(\s*|getenv\s*\(\s*)(['"])/.exec(expr);
    if (env) {
      const name = this.stringAt(start + env[0].length - 1);
      return name === undefined ? { unknown: true } : { env: name };
    }
    const or = /^(.+?)\s+or\s+/.exec(expr);
    if (or) {
      const left = this.valueOf(start, start + or[1]!.length, depth + 1);
      if (!('unknown' in left)) return left;
    }
    if (/^(?:self\.)?\w+$/.test(expr)) return this.variableValue(expr, depth);
    return { unknown: true };
  }

  /** The value of a variable assigned in this file: certain only when every assignment agrees. */
  private variableValue(name: string, depth: number): ValueSource {
    const re = new RegExp(`^[ \\t]*${escape(name)}[ \\t]*(?::[^=\\n]+)?=(?!=)[ \\t]*`, 'gm');
    const values: ValueSource[] = [];
    for (const m of this.masked.code.matchAll(re)) {
      const start = m.index! + m[0].length;
      const end = this.masked.code.indexOf('\n', start);
      values.push(this.valueOf(start, end === -1 ? this.masked.code.length : end, depth + 1));
    }
    const first = values[0];
    if (!first || values.some((v) => JSON.stringify(v) !== JSON.stringify(first))) return { unknown: true };
    return first;
  }

  private stringAt(offset: number): string | undefined {
    return this.masked.strings.get(offset);
  }

  private kwargString(open: number, close: number, name: string): string | undefined {
    const m = new RegExp(`\\b${name}[ \\t]*=[ \\t]*`).exec(this.masked.code.slice(open, close));
    return m ? this.stringAt(open + m.index + m[0].length) : undefined;
  }

  // ---- reporting -----------------------------------------------------------------------------

  private evidence(at: number, close = at) {
    const end = this.text.indexOf('\n', close);
    const lineStart = this.text.lastIndexOf('\n', at) + 1;
    return { file: this.path, line: lineAt(this.text, at), text: oneLine(this.text.slice(lineStart, end === -1 ? undefined : end)) };
  }

  private opaque(at: number, reason: string): void {
    this.out.opaque.push({ evidence: this.evidence(at), reason });
  }
}

/** Blank out comments and the contents of string literals (same length, newlines kept). */
function mask(text: string): Masked {
  const strings = new Map<number, string | undefined>();
  let code = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '#') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      code += ' '.repeat(stop - i);
      i = stop;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const prefix = /[A-Za-z]{1,2}$/.exec(code)?.[0] ?? '';
      const isF = /f/i.test(prefix);
      const triple = text.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      let j = i + quote.length;
      let value = '';
      while (j < text.length && !text.startsWith(quote, j)) {
        if (text[j] === '\\' && !/r/i.test(prefix)) {
          value += text[j + 1] ?? '';
          j += 2;
          continue;
        }
        if (!triple && text[j] === '\n') break;
        value += text[j];
        j++;
      }
      const end = Math.min(text.length, j + quote.length);
      strings.set(i, isF ? undefined : value);
      const body = text.slice(i + 1, end - 1).replace(/[^\n]/g, ' ');
      code += ch + body + (end - i > 1 ? text[end - 1] : '');
      i = end;
      continue;
    }
    code += ch;
    i++;
  }
  return { code, strings };
}

function stringLength(code: string, offset: number): number {
  const quote = code[offset]!;
  const triple = code.startsWith(quote.repeat(3), offset);
  // In the masked code a literal's body holds no quotes: its end is the next quote of its kind.
  const end = code.indexOf(triple ? quote.repeat(3) : quote, offset + (triple ? 3 : 1));
  return end === -1 ? code.length - offset : end - offset + (triple ? 3 : 1);
}

export function matchingParen(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const ch = code[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return code.length;
}

/** Top-level arguments between a call's parentheses, as [from, to) offsets. */
function splitArgs(code: string, open: number, close: number): Array<[number, number]> {
  const args: Array<[number, number]> = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < close; i++) {
    const ch = code[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      args.push([start, i]);
      start = i + 1;
    }
  }
  if (code.slice(start, close).trim()) args.push([start, close]);
  return args;
}

function expressionEnd(code: string, start: number, limit: number): number {
  let depth = 0;
  for (let i = start; i < limit; i++) {
    const ch = code[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (depth === 0) return i;
      depth--;
    } else if ((ch === ',' || ch === '\n') && depth === 0) return i;
  }
  return limit;
}

/** `name = <here>` on the same line: the variable a value is assigned to. */
function assignedBefore(code: string, offset: number): string | undefined {
  const lineStart = code.lastIndexOf('\n', offset - 1) + 1;
  const m = /^[ \t]*((?:self\.)?\w+)[ \t]*(?::[^=\n]+)?=[ \t]*$/.exec(code.slice(lineStart, offset));
  return m?.[1];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
