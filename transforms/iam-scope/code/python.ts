/**
 * Reads Python Lambda code: boto3 clients and resources (`boto3.client('s3')`, `Session().client`,
 * `boto3.resource('dynamodb').Table(name)`), the operations called on them, the parameter that names
 * each call's resource, and the calls that cannot be read (a service or method computed at run time).
 *
 * Python is read with regular expressions over a masked copy of the text: string contents and
 * comments blanked, so code inside them is never taken for a call, and `;` and `\` continuations
 * turned into line breaks and spaces, so each statement is a line of its own. The values of string
 * literals are kept aside by offset. Local modules are read too, and the clients they make are known
 * under the names that import them.
 *
 * Nothing a client does may go unseen, since a missed call is a missing permission: a client made
 * where no name holds it (in a dict, returned by a function, in a tuple) or handed on (an argument,
 * an alias) "escapes", and then every call in the code whose method is an operation of its service
 * counts, on whatever receiver. A method of a client that is not one of its operations, or a computed
 * one, is reported.
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

/** What a `.method(` is called on: a dotted name, `callee()` for a call's result, or '' for another expression. */
interface Receiver {
  text: string;
  start: number;
}

/** Methods too common in other libraries to be taken for SDK calls on a receiver we did not trace. */
const GENERIC_METHODS = new Set(['get', 'put', 'delete', 'load', 'reload', 'copy', 'close', 'update', 'send', 'list', 'describe', 'invoke', 'publish', 'search', 'filter', 'all']);
const CLIENT_HELPERS = new Set(['get_paginator', 'generate_presigned_url']);
/** Methods of clients and resources that call no API. */
const NOT_OPERATIONS = new Set(['close', 'can_paginate', 'get_available_subresources']);

export function readPythonCode(entry: string, text: string, read: ReadFile, out: CodeReading, root: string): void {
  const program = new PyProgram(read, out, root);
  program.load(entry, text);
  program.readCalls();
}

/** The files of one function's code, and what they share: the services their clients use, and those whose clients escape. */
class PyProgram {
  private readonly files = new Map<string, PyFile>();
  readonly used = new Set<SdkClient>();
  /** Services with an escaped client (its operations may be called anywhere) … */
  readonly escapedClients = new Set<SdkClient>();
  /** … or an escaped resource object (`table.put_item`, `obj.get()`). */
  readonly escapedObjects = new Set<SdkClient>();

  constructor(
    readonly readFile: ReadFile,
    readonly out: CodeReading,
    readonly root: string,
  ) {}

  /** A file and the modules it imports, their clients declared (each file once). */
  load(path: string, text: string): PyFile {
    const known = this.files.get(path);
    if (known) return known;
    const file = new PyFile(path, text, this);
    this.files.set(path, file);
    this.out.files.push(path);
    file.declare();
    return file;
  }

  /** A service resource has both kinds of methods (`dynamodb.batch_get_item`, `s3.Object(…)`). */
  markEscaped(ref: PyClient): void {
    if (ref.kind !== 'client') this.escapedObjects.add(ref.client);
    if (ref.kind === 'client' || ref.kind === 'resource') this.escapedClients.add(ref.client);
  }

  /** Calls, once every file's clients are known, and where they escape to. */
  readCalls(): void {
    for (const file of this.files.values()) file.findEscapes();
    for (const file of this.files.values()) file.readCalls();
  }
}

class PyFile {
  private readonly masked: Masked;
  /** Clients and resource objects by the name that holds them (`self.s3` as `s3`); a name reused in several functions holds several. */
  readonly clients = new Map<string, PyClient[]>();
  private readonly boto3Names = new Set(['boto3']);
  /** Session names → whether the session sets its own region. */
  private readonly sessions = new Map<string, boolean>();
  private readonly bareFactories = new Map<string, 'client' | 'resource'>();
  /** Offsets of the `.` of method calls read already, with the expression that made their client. */
  private readonly readAt = new Set<number>();

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly program: PyProgram,
  ) {
    this.masked = mask(text);
  }

  declare(): void {
    this.readImports();
    this.readSessions();
    this.readClients();
    this.readResourceObjects();
  }

  // ---- imports -------------------------------------------------------------------------------

  private readImports(): void {
    const { code } = this.masked;
    for (const m of code.matchAll(/^[ \t]*import[ \t]+([^\n]+)/gm)) {
      for (const part of m[1]!.split(',')) {
        const [module, alias] = part.trim().split(/\s+as\s+/);
        if (!module) continue;
        if (module === 'boto3') this.boto3Names.add(alias ?? 'boto3');
        this.onModule(module, undefined, alias ?? module, m.index!);
      }
    }
    for (const m of code.matchAll(/^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)/gm)) {
      const module = m[1]!;
      const names = m[2]!
        .replace(/[()]/g, '')
        .split(',')
        .map((n) => n.trim().split(/\s+as\s+/))
        .filter(([imported]) => imported)
        .map(([imported, alias]) => ({ imported: imported!, local: alias ?? imported! }));
      if (module === 'boto3' || module === 'boto3.session') {
        for (const { imported, local } of names) {
          if (imported === 'client' || imported === 'resource') this.bareFactories.set(local, imported);
          if (imported === 'Session' || imported === 'session') this.sessions.set(local, false);
        }
      }
      this.onModule(module, names, undefined, m.index!);
    }
  }

  /**
   * Local modules are read, and the clients they make bound here: `from db import table` as `table`,
   * `import db` as `db.table`. Libraries that call AWS themselves make the reading incomplete.
   */
  private onModule(module: string, names: Array<{ imported: string; local: string }> | undefined, namespace: string | undefined, offset: number): void {
    const full = [module, ...(names ?? []).map((n) => `${module}.${n.imported}`)];
    const lib = awsCallingLibraries.python.find((l) => full.some((m) => m === l || m.startsWith(l + '.')));
    if (lib) {
      this.opaque(offset, `uses ${lib}, which calls AWS with the function's role in ways not visible here`);
      return;
    }
    for (const stem of this.moduleStems(module)) {
      for (const own of this.loadAll(stem.endsWith('/') ? [`${stem}__init__.py`] : [`${stem}.py`, `${stem}/__init__.py`])) {
        if (namespace) this.bindNamespace(own, namespace);
        for (const n of names ?? []) this.bindName(own, n.imported, n.local);
      }
      // `from pkg import mod`: a module of the package.
      for (const n of names ?? []) for (const sub of this.loadAll([`${stem.replace(/\/?$/, '/')}${n.imported}.py`])) this.bindNamespace(sub, n.local);
    }
  }

  /** `pkg.mod` → `pkg/mod` next to this file and at the code root; `.mod` / `..` relative to this file (a trailing `/`: a package itself). */
  private moduleStems(module: string): string[] {
    const dots = /^\.*/.exec(module)![0].length;
    const rest = module.slice(dots).split('.').filter(Boolean).join('/');
    const bases = dots > 0 ? [this.upFrom(dirname(this.path), dots - 1)] : [dirname(this.path), this.program.root];
    return [...new Set(bases.map((base) => (rest ? joinPath(base, rest) : base ? `${base}/` : './')))];
  }

  private loadAll(files: string[]): PyFile[] {
    const out: PyFile[] = [];
    for (const file of files.map((f) => f.replace(/^\.\//, ''))) {
      const text = this.program.readFile(file);
      if (text !== undefined) out.push(this.program.load(file, text));
    }
    return out;
  }

  private bindName(module: PyFile, imported: string, local: string): void {
    for (const [name, refs] of module.clients) {
      if (imported === '*' && !name.includes('.')) this.track(name, ...refs);
      else if (name === imported) this.track(local, ...refs);
    }
  }

  private bindNamespace(module: PyFile, namespace: string): void {
    for (const [name, refs] of module.clients) this.track(`${namespace}.${name}`, ...refs);
  }

  private upFrom(dir: string, levels: number): string {
    let out = dir;
    for (let i = 0; i < levels; i++) out = dirname(out);
    return out;
  }

  // ---- clients -------------------------------------------------------------------------------

  private readSessions(): void {
    const boto3 = [...this.boto3Names].map(escape).join('|');
    const re = new RegExp(`^[ \\t]*([A-Za-z_][\\w.]*)[ \\t]*(?::[^=\\n]+)?=[ \\t]*(?:(?:${boto3})\\.(?:session\\.)?)?Session[ \\t]*\\(`, 'gm');
    for (const m of this.masked.code.matchAll(re)) {
      const open = m.index! + m[0].length - 1;
      this.sessions.set(keyOf(m[1]!), setsRegion(this.masked.code.slice(open, matchingParen(this.masked.code, open))));
    }
  }

  /**
   * `x = boto3.client('s3')`, `session.resource('dynamodb')`, `boto3.Session().client('sqs')`,
   * `client('sqs')` after `from boto3 import client`; and `anything.client('sns')` naming a boto3
   * service, from a session this reading did not trace.
   */
  private readClients(): void {
    const { code } = this.masked;
    const names = ['client', 'resource', ...this.bareFactories.keys()].map(escape).join('|');
    for (const m of code.matchAll(new RegExp(`\\b(${names})[ \\t]*\\(`, 'g'))) {
      const dot = dotBefore(code, m.index!);
      const receiver = dot === undefined ? undefined : receiverBefore(code, dot);
      const factory = receiver ? (m[1] as 'client' | 'resource') : this.bareFactories.get(m[1]!);
      if (!factory || (receiver && m[1] !== 'client' && m[1] !== 'resource')) continue;
      const open = m.index! + m[0].length - 1;
      const close = matchingParen(code, open);
      const argText = code.slice(open + 1, close);
      const service = this.stringAt(open + 1 + argText.search(/\S/)) ?? this.kwargString(open, close, 'service_name');
      const client = service === undefined ? undefined : clientByBoto3(service);
      // A bare `client(…)` is boto3's only when imported from it.
      if (receiver && !this.isBoto3OrSession(receiver.text) && !client) continue;
      const start = receiver?.start ?? m.index!;
      if (dot !== undefined) this.readAt.add(dot);
      if (service === undefined) {
        this.opaque(start, `creates a boto3 ${factory} for a service computed at run time`);
        continue;
      }
      if (!client) {
        this.opaque(start, `uses the boto3 ${factory} '${service}', which stackfix cannot map to IAM actions`);
        continue;
      }
      this.program.used.add(client);
      const explicitRegion = setsRegion(argText) || (receiver !== undefined && this.sessionSetsRegion(receiver.text));
      const ref: PyClient = { client, kind: factory, explicitRegion };
      if (!(factory === 'resource' && this.subResourceAt(ref, close + 1, start))) this.place(ref, start, close);
    }
  }

  private isBoto3OrSession(receiver: string): boolean {
    return this.boto3Names.has(receiver) || this.sessions.has(keyOf(receiver)) || /(?:^|\.)Session\(\)$/.test(receiver);
  }

  private sessionSetsRegion(receiver: string): boolean {
    if (/Session\(\)$/.test(receiver)) return false;
    return this.sessions.get(keyOf(receiver)) ?? false;
  }

  /** `table = dynamodb.Table(os.environ['TABLE'])`, `bucket = s3.Bucket(name)`, `obj = bucket.Object(key)`. */
  private readResourceObjects(): void {
    const { code } = this.masked;
    for (const m of code.matchAll(/\.[ \t]*[A-Z]\w*[ \t]*\(/g)) {
      if (this.readAt.has(m.index!)) continue;
      const receiver = receiverBefore(code, m.index!);
      for (const parent of this.refsOf(receiver.text)) this.subResourceAt(parent, m.index!, receiver.start);
    }
  }

  /**
   * A resource object made at `at` (`.Table(…)` follows): from the service resource, its first argument
   * names it; from another object (`bucket.Object(key)`), that object's resource does.
   */
  private subResourceAt(parent: PyClient, at: number, start: number): boolean {
    const { code } = this.masked;
    const m = /^[ \t]*\.[ \t]*([A-Z]\w*)[ \t]*\(/.exec(code.slice(at));
    const kind = m ? `${parent.client.boto3}.${m[1]}` : '';
    if (!m || !pythonResourceMethods[kind] || parent.kind === 'client') return false;
    this.readAt.add(at + m[0].indexOf('.'));
    const open = at + m[0].length - 1;
    const close = matchingParen(code, open);
    const firstArg = splitArgs(code, open, close)[0];
    const fromArgument = firstArg ? this.valueOf(firstArg[0], firstArg[1]) : { unknown: true as const };
    const target = parent.kind === 'resource' ? fromArgument : parent.target;
    this.place({ client: parent.client, kind, explicitRegion: parent.explicitRegion, target }, start, close);
    return true;
  }

  /**
   * Where a client or resource object made between `start` and `close` goes: a call right on it, a
   * resource object made from it, the name it is assigned to, or elsewhere: then it escapes.
   */
  private place(ref: PyClient, start: number, close: number): void {
    if (this.chainedCall(close, ref, start)) return;
    const name = assignedBefore(this.masked.code, start);
    if (name) this.track(name, ref);
    else this.program.markEscaped(ref);
  }

  /** `boto3.client('s3').get_object(...)`: a call right on the expression that made the client. */
  private chainedCall(close: number, ref: PyClient, start: number): boolean {
    const after = /^[ \t]*\.[ \t]*(\w+)[ \t]*\(/.exec(this.masked.code.slice(close + 1));
    if (!after) return false;
    this.readAt.add(close + 1 + after[0].indexOf('.'));
    const open = close + after[0].length;
    this.onMethod([ref], after[1]!, open, matchingParen(this.masked.code, open), start);
    return true;
  }

  private track(name: string, ...refs: PyClient[]): void {
    const key = keyOf(name);
    this.clients.set(key, [...(this.clients.get(key) ?? []), ...refs]);
  }

  /** The clients a dotted name holds: `s3`, `self.s3` / `cls.s3` / `Handler.s3` (as `s3`), `db.table` for `import db`. */
  private refsOf(name: string): PyClient[] {
    return name ? this.clients.get(keyOf(name)) ?? [] : [];
  }

  /** A client's name used as a value (passed, returned, aliased, put in a container): calls on it may come under other names. */
  findEscapes(): void {
    const { code } = this.masked;
    for (const m of code.matchAll(/(?<![\w.])[A-Za-z_]\w*(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)*/g)) {
      const refs = this.refsOf(m[0].replace(/\s+/g, ''));
      if (refs.length === 0 || isHarmlessUse(code, m.index!, m.index! + m[0].length)) continue;
      for (const ref of refs) this.program.markEscaped(ref);
    }
  }

  // ---- calls ---------------------------------------------------------------------------------

  readCalls(): void {
    this.readGetattr();
    const { code } = this.masked;
    for (const m of code.matchAll(/\.[ \t]*([A-Za-z_]\w*)[ \t]*\(/g)) {
      if (this.readAt.has(m.index!)) continue;
      const open = m.index! + m[0].length - 1;
      const receiver = receiverBefore(code, m.index!);
      this.onCall(receiver, m[1]!, open, matchingParen(code, open));
    }
  }

  /** `s3.get_object(…)`, `self.table.put_item(…)`, `bucket.objects.filter(…)`, `s3.meta.client.upload_file(…)`, or an untraced receiver. */
  private onCall(receiver: Receiver, method: string, open: number, close: number): void {
    const segments = receiver.text.endsWith(')') ? [] : receiver.text.split('.');
    for (let i = segments.length; i > 0; i--) {
      const refs = this.refsOf(segments.slice(0, i).join('.'));
      if (refs.length === 0) continue;
      const rest = segments.slice(i).join('.');
      // A resource's `meta.client` is a client of its service.
      if (rest === 'meta.client') this.onMethod(refs.map((r) => ({ client: r.client, kind: 'client', explicitRegion: r.explicitRegion })), method, open, close, receiver.start);
      else this.onMethod(refs, rest ? `${rest}.${method}` : method, open, close, receiver.start);
      return;
    }
    this.onUntracedMethod(receiver.text, method, open, close, receiver.start);
  }

  /** `getattr(client, name)`: a method computed at run time, on a client or on what may be one. */
  private readGetattr(): void {
    const { code } = this.masked;
    for (const m of code.matchAll(/\bgetattr[ \t]*\(/g)) {
      const open = m.index! + m[0].length - 1;
      const first = splitArgs(code, open, matchingParen(code, open))[0];
      const object = first ? code.slice(first[0], first[1]).trim() : '';
      const escaped = this.program.escapedClients.size + this.program.escapedObjects.size > 0;
      const onClient = this.refsOf(object).length > 0 || (!/^[\w.]+$/.test(object) && escaped);
      if (onClient) this.opaque(m.index!, 'calls a client method whose name is computed at run time (getattr)');
    }
  }

  /** A method of the clients a name holds: reported when it is an operation of none of them. */
  private onMethod(refs: PyClient[], method: string, open: number, close: number, at: number): void {
    if (method === 'get_waiter' || method.startsWith('wait_until_')) {
      this.opaque(at, 'waits with a waiter, whose operations stackfix does not map');
      return;
    }
    let known = false;
    for (const ref of refs) known = this.onMethodOf(ref, method, open, close, at) || known;
    if (!known) this.opaque(at, `calls ${method} on a boto3 ${describe(refs[0]!)}, which stackfix cannot map to IAM actions`);
  }

  /** One client's or resource object's method: read (true), or not one stackfix knows of it (false). */
  private onMethodOf(ref: PyClient, method: string, open: number, close: number, at: number): boolean {
    if (NOT_OPERATIONS.has(method)) return true;
    if (ref.kind === 'client') return this.onClientMethod(ref, method, open, close, at);
    const service = ref.client.boto3;
    const operation = pythonResourceMethods[ref.kind === 'resource' ? `${service}.resource` : ref.kind]?.[method];
    if (operation) {
      this.addCall(ref.client, operation, open, close, at, ref.explicitRegion, ref.target);
      return true;
    }
    // The service resource also has most client operations (`dynamodb.batch_get_item`).
    if (ref.kind === 'resource' && actionsForOperation(ref.client, pascalCase(method))) {
      this.addCall(ref.client, pascalCase(method), open, close, at, ref.explicitRegion);
      return true;
    }
    // `dynamodb.Table(name)`: the object is read by readResourceObjects.
    return /^[A-Z]/.test(method) && pythonResourceMethods[`${service}.${method}`] !== undefined;
  }

  private onClientMethod(ref: PyClient, method: string, open: number, close: number, at: number): boolean {
    if (CLIENT_HELPERS.has(method)) {
      const first = splitArgs(this.masked.code, open, close)[0];
      const op = first ? this.stringAt(first[0] + this.masked.code.slice(first[0], first[1]).search(/\S/)) ?? this.kwargString(open, close, 'ClientMethod') : undefined;
      if (op === undefined) this.opaque(at, `calls ${method} with an operation computed at run time`);
      else this.addCall(ref.client, pascalCase(op), open, close, at, ref.explicitRegion);
      return true;
    }
    const operation = pythonHelpers[`${ref.client.boto3}.${method}`] ?? pascalCase(method);
    if (!actionsForOperation(ref.client, operation)) return false;
    this.addCall(ref.client, operation, open, close, at, ref.explicitRegion);
    return true;
  }

  /**
   * A call on a receiver this reading did not trace: a client or table handed to a helper
   * (`def save(table, item): table.put_item(...)`), or one that escaped. A method that is an
   * operation of a service this code uses is taken as that call; names common elsewhere (`get`,
   * `publish`) only for services whose clients escape. A call that names no resource in its
   * parameters may be a resource object's (`topic.publish(Message=…)`): its resource is unknown.
   */
  private onUntracedMethod(receiver: string, method: string, open: number, close: number, at: number): void {
    if (this.isBoto3OrSession(receiver)) return;
    const distinctive = !GENERIC_METHODS.has(method) && (method.includes('_') || /^(query|scan)$/.test(method));
    const { escapedClients, escapedObjects } = this.program;
    for (const client of this.program.used) {
      const resourceOp = Object.entries(pythonResourceMethods)
        .filter(([kind]) => kind.startsWith(`${client.boto3}.`))
        .map(([, methods]) => methods[method])
        .find(Boolean);
      const clientOp = pythonHelpers[`${client.boto3}.${method}`] ?? pascalCase(method);
      const operation = resourceOp && (distinctive || escapedObjects.has(client)) ? resourceOp : distinctive || escapedClients.has(client) ? clientOp : undefined;
      if (!operation || !actionsForOperation(client, operation)) continue;
      const named = resourceParamsOf(client.iam).some((p) => this.paramValues({ from: open + 1, to: close }, p.param).length > 0);
      this.addCall(client, operation, open, close, at, true, operation === resourceOp && !named ? { unknown: true } : undefined);
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
    this.program.out.calls.push({
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
    this.program.out.opaque.push({ evidence: this.evidence(at), reason });
  }
}

/**
 * Blank out comments and the contents of string literals (same length, newlines kept); a `;` between
 * statements becomes a line break and a `\` continuation spaces, so that each statement is a line.
 */
function mask(text: string): Masked {
  const strings = new Map<number, string | undefined>();
  let code = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ';') {
      code += '\n';
      i++;
      continue;
    }
    const continuation = ch === '\\' ? /^\\\r?\n/.exec(text.slice(i, i + 3)) : null;
    if (continuation) {
      code += ' '.repeat(continuation[0].length);
      i += continuation[0].length;
      continue;
    }
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

/** `name = <here>` (or `self.name`, `name: T =`) on the same line: the variable a value is assigned to. */
function assignedBefore(code: string, offset: number): string | undefined {
  const lineStart = code.lastIndexOf('\n', offset - 1) + 1;
  const m = /^[ \t]*([A-Za-z_][\w.]*)[ \t]*(?::[^=\n]+)?=[ \t]*$/.exec(code.slice(lineStart, offset));
  return m?.[1];
}

/**
 * The key a client is known by: `self.s3`, `cls.s3` and `Handler.s3` (a class attribute) are one
 * `s3`, since a class body, its methods and its users name the same attribute differently.
 */
function keyOf(name: string): string {
  return name.replace(/^(?:self|cls|[A-Z]\w*)\./, '');
}

function setsRegion(argText: string): boolean {
  return /\b(region_name|endpoint_url)\s*=/.test(argText);
}

function describe(ref: PyClient): string {
  return ref.kind === 'client' || ref.kind === 'resource' ? `${ref.client.boto3} ${ref.kind}` : `${ref.kind} object`;
}

/** The `.` before a name at `offset` (`boto3.client`), or undefined for a bare name. */
function dotBefore(code: string, offset: number): number | undefined {
  let i = offset;
  while (i > 0 && (code[i - 1] === ' ' || code[i - 1] === '\t')) i--;
  return code[i - 1] === '.' ? i - 1 : undefined;
}

/** What the `.` at `dot` follows: a dotted name, a call (`boto3.Session()`), or another expression (''). */
function receiverBefore(code: string, dot: number): Receiver {
  const end = receiverEnd(code, dot);
  if (code[end - 1] === ')') {
    const open = matchingParenBack(code, end - 1);
    const callee = nameBefore(code, open);
    return callee.text ? { text: `${callee.text}()`, start: callee.start } : { text: '', start: open };
  }
  return nameBefore(code, end);
}

/** The dotted name that ends at `end`, unless it hangs off a call or subscript (`f().x`, `d['k'].x`). */
function nameBefore(code: string, end: number): Receiver {
  let start = end;
  for (;;) {
    let i = start;
    while (i > 0 && /\w/.test(code[i - 1]!)) i--;
    if (i === start || !/[A-Za-z_]/.test(code[i]!)) return { text: '', start: end };
    start = i;
    const dot = dotBefore(code, start);
    if (dot === undefined) return { text: code.slice(start, end).replace(/\s+/g, ''), start };
    const before = receiverEnd(code, dot);
    // `f().x` or `d['k'].x`: not a name of its own.
    if (!/\w/.test(code[before - 1] ?? '')) return { text: '', start };
    start = before;
  }
}

/** Where the expression before a `.` ends, spaces skipped. */
function receiverEnd(code: string, dot: number): number {
  let end = dot;
  while (end > 0 && (code[end - 1] === ' ' || code[end - 1] === '\t')) end--;
  return end;
}

function matchingParenBack(code: string, close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    const ch = code[i];
    if (ch === ')' || ch === ']' || ch === '}') depth++;
    else if (ch === '(' || ch === '[' || ch === '{') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return 0;
}

/**
 * A use of a client's name that keeps the client where this reading follows it: an assignment to
 * the name (or a keyword argument of that name), a test (`if s3 is None`, `if s3:`), `global s3`,
 * an import.
 */
function isHarmlessUse(code: string, start: number, end: number): boolean {
  const lineStart = code.lastIndexOf('\n', start - 1) + 1;
  if (/^[ \t]*(?:global|nonlocal|del|import|from)\b/.test(code.slice(lineStart, start))) return true;
  return /^[ \t]*(?:=(?!=)|==|!=|is\b|:)/.test(code.slice(end, end + 12));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
