/**
 * Reads JavaScript/TypeScript Lambda code with TypeScript's parser: the AWS SDK calls it makes (v2
 * clients and DocumentClient, v3 commands, aggregated clients, lib-dynamodb, lib-storage), the request
 * parameter that names each call's resource, and the calls it cannot read (computed names, a client
 * handed to code we do not see, or made where no variable holds it). Follows relative imports, and
 * the clients a module exports are known under the names that import them.
 */
import { ts } from '../../_shared/typescript.js';
import {
  actionsForOperation,
  awsCallingLibraries,
  clientByV2,
  clientByV3Package,
  documentClientCommands,
  documentClientMethods,
  jsHelpers,
  pascalCase,
  resourceParamsOf,
  type SdkClient,
} from '../data.js';
import { refineActions } from './refine.js';
import { lineAt, oneLine, type CodeReading, type ReadFile, type ValueSource } from './types.js';

type ClientKind = 'v2' | 'documentClient' | 'v3Aggregate' | 'v3Bare';

interface ClientRef {
  client: SdkClient;
  kind: ClientKind;
  explicitRegion: boolean;
}

/** What a module read so far exports: its clients by export name (`default` too). */
type ModuleExports = Map<string, Map<string, ClientRef>>;

interface V3Name {
  client: SdkClient | undefined;
  pkg: string;
  exported: string;
}

/** Members of SDK clients that are not API operations. */
const NOT_OPERATIONS = new Set(['promise', 'send', 'config', 'on', 'destroy', 'middlewareStack', 'customizeRequests', 'endpoint', 'service', 'api', 'createSet', 'options']);
const SIGNED_URL_METHODS = new Set(['getSignedUrl', 'getSignedUrlPromise']);
const REQUEST_METHODS = new Set(['makeRequest', 'makeUnauthenticatedRequest']);

export function readJsCode(entry: string, text: string, read: ReadFile, out: CodeReading, modules: ModuleExports = new Map()): void {
  if (modules.has(entry)) return;
  modules.set(entry, new Map());
  out.files.push(entry);
  new JsFile(entry, text, read, out, modules).read();
}

class JsFile {
  private readonly sf: ts.SourceFile;
  private readonly v2Namespaces = new Set<string>();
  private readonly v2Classes = new Map<string, SdkClient | 'DocumentClient'>();
  private readonly v3Names = new Map<string, V3Name>();
  private readonly v3Namespaces = new Map<string, V3Name>();
  private readonly clients = new Map<string, ClientRef>();
  private v2RegionSet = false;

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly readFile: ReadFile,
    private readonly out: CodeReading,
    private readonly modules: ModuleExports,
  ) {
    const kind = /\.tsx?$/.test(path) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
    this.sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
  }

  read(): void {
    this.walk(this.sf, (node) => this.collectImport(node));
    this.walk(this.sf, (node) => this.collectClient(node));
    this.walk(this.sf, (node) => this.collectExport(node));
    this.walk(this.sf, (node) => this.collectCall(node));
    this.checkEscapes();
  }

  private walk(node: ts.Node, visit: (node: ts.Node) => void): void {
    visit(node);
    ts.forEachChild(node, (child) => this.walk(child, visit));
  }

  // ---- imports -------------------------------------------------------------------------------

  private collectImport(node: ts.Node): void {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      const clause = node.importClause;
      const exported = this.onModule(spec, node);
      if (!clause) return;
      if (clause.name) this.bindDefault(spec, clause.name.text, exported);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) this.bindNamespace(spec, bindings.name.text, exported);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) this.bindNamed(spec, (el.propertyName ?? el.name).text, el.name.text, exported);
      }
      return;
    }
    if (ts.isCallExpression(node) && this.isRequireOrImport(node)) {
      const arg = node.arguments[0];
      if (!arg || !ts.isStringLiteralLike(arg)) {
        this.opaque(node, 'loads a module whose name is computed at run time');
        return;
      }
      const spec = arg.text;
      const exported = this.onModule(spec, node);
      const outer = outerOf(node);
      // `const S3 = require('aws-sdk').S3`
      const member = ts.isPropertyAccessExpression(outer.parent) && outer.parent.expression === outer ? outer.parent : undefined;
      const decl = (member ?? outer).parent;
      if (ts.isVariableDeclaration(decl)) {
        if (member && ts.isIdentifier(decl.name)) this.bindNamed(spec, member.name.text, decl.name.text, exported);
        else if (ts.isIdentifier(decl.name)) this.bindDefault(spec, decl.name.text, exported);
        else if (ts.isObjectBindingPattern(decl.name)) {
          for (const el of decl.name.elements) {
            if (!ts.isIdentifier(el.name)) continue;
            const imported = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
            this.bindNamed(spec, imported, el.name.text, exported);
          }
        }
      } else if (!member && /^(aws-sdk|@aws-sdk\/)/.test(spec)) {
        this.opaque(node, `loads ${spec} where no variable holds it; clients made from it are not visible`);
      }
    }
  }

  private isRequireOrImport(node: ts.CallExpression): boolean {
    return (ts.isIdentifier(node.expression) && node.expression.text === 'require') || node.expression.kind === ts.SyntaxKind.ImportKeyword;
  }

  /**
   * Relative modules are read too (their exported clients are returned); libraries that call AWS
   * themselves make the reading incomplete.
   */
  private onModule(spec: string, node: ts.Node): Map<string, ClientRef> | undefined {
    if (spec.startsWith('.')) {
      const target = this.resolveRelative(spec);
      if (target === undefined) this.opaque(node, `imports ${spec}, which is not in the project`);
      else readJsCode(target.path, target.text, this.readFile, this.out, this.modules);
      return target && this.modules.get(target.path);
    }
    if (awsCallingLibraries.js.some((lib) => spec === lib || spec.startsWith(lib + '/'))) {
      this.opaque(node, `uses ${spec}, which calls AWS with the function's role in ways not visible here`);
    }
    return undefined;
  }

  private resolveRelative(spec: string): { path: string; text: string } | undefined {
    const base = joinPath(dirname(this.path), spec);
    const stem = base.replace(/\.(c|m)?js$/, '');
    const candidates = [base, `${stem}.ts`, `${stem}.js`, `${stem}.mjs`, `${stem}.cjs`, `${stem}.mts`, `${stem}/index.ts`, `${stem}/index.js`, `${stem}/index.mjs`];
    for (const candidate of candidates) {
      if (!/\.(c|m)?[jt]s$/.test(candidate)) continue;
      const text = this.readFile(candidate);
      if (text !== undefined) return { path: candidate, text };
    }
    return undefined;
  }

  /** `import m from './m'` / `const m = require('./m')`: its default export, and `m.x` for the others. */
  private bindDefault(spec: string, local: string, exported: Map<string, ClientRef> | undefined): void {
    for (const [name, ref] of exported ?? []) this.clients.set(name === 'default' ? local : `${local}.${name}`, ref);
    if (spec === 'aws-sdk') this.v2Namespaces.add(local);
    else if (spec.startsWith('aws-sdk/clients/')) {
      const client = clientByV2(spec.slice('aws-sdk/clients/'.length));
      if (client) this.v2Classes.set(local, client);
    } else if (spec.startsWith('@aws-sdk/')) this.bindNamespace(spec, local);
  }

  private bindNamespace(spec: string, local: string, exported?: Map<string, ClientRef>): void {
    for (const [name, ref] of exported ?? []) this.clients.set(`${local}.${name}`, ref);
    if (spec === 'aws-sdk') this.v2Namespaces.add(local);
    else if (spec.startsWith('@aws-sdk/')) this.v3Namespaces.set(local, { client: clientByV3Package(spec), pkg: spec, exported: '' });
  }

  private bindNamed(spec: string, imported: string, local: string, exported: Map<string, ClientRef> | undefined): void {
    const exportedClient = exported?.get(imported);
    if (exportedClient) this.clients.set(local, exportedClient);
    if (spec === 'aws-sdk') {
      const client = clientByV2(imported);
      if (client) this.v2Classes.set(local, client);
    } else if (spec === 'aws-sdk/clients/dynamodb' && imported === 'DocumentClient') {
      this.v2Classes.set(local, 'DocumentClient');
    } else if (spec.startsWith('@aws-sdk/')) {
      this.v3Names.set(local, { client: clientByV3Package(spec), pkg: spec, exported: imported });
    }
  }

  // ---- clients -------------------------------------------------------------------------------

  private collectClient(node: ts.Node): void {
    if (isV2RegionSetting(node, this.v2Namespaces)) this.v2RegionSet = true;
    const ref = this.clientCreatedBy(node);
    if (!ref) return;
    const key = assignedName(node);
    if (key) this.clients.set(key, ref);
    // Commands find a bare v3 client's calls wherever it goes; any other client must stay in sight.
    else if (ref.kind !== 'v3Bare' && !isReceiver(node) && !isExported(node) && !this.isWrapped(node)) {
      this.opaque(node, `makes a client for ${ref.client.iam} that no variable holds; calls made through it are not visible`);
    }
  }

  /** `DynamoDBDocument.from(new DynamoDB())`: the client's calls are the document client's, which is read. */
  private isWrapped(node: ts.Node): boolean {
    const parent = node.parent;
    return ts.isCallExpression(parent) && parent.arguments[0] === node && this.clientCreatedBy(parent) !== undefined;
  }

  /**
   * What this module exports that is a client: `export const s3 = …`, `export { s3 }`,
   * `export default s3`, `module.exports = { s3 }`, `exports.s3 = …`.
   */
  private collectExport(node: ts.Node): void {
    const exports = this.modules.get(this.path)!;
    const add = (name: string, value: ts.Expression | undefined) => {
      const ref = value && this.clientOf(value);
      if (ref) exports.set(name, ref);
    };
    if (ts.isVariableStatement(node) && node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      for (const decl of node.declarationList.declarations) if (ts.isIdentifier(decl.name)) add(decl.name.text, decl.name);
    } else if (ts.isExportDeclaration(node) && !node.moduleSpecifier && node.exportClause && ts.isNamedExports(node.exportClause)) {
      for (const el of node.exportClause.elements) add(el.name.text, el.propertyName ?? el.name);
    } else if (ts.isExportAssignment(node)) {
      add('default', node.expression);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const name = exportTarget(node);
      const value = unwrap(node.right);
      if (name === 'default' && ts.isObjectLiteralExpression(value)) {
        for (const prop of value.properties) {
          if (ts.isShorthandPropertyAssignment(prop)) add(prop.name.text, prop.name);
          else if (ts.isPropertyAssignment(prop)) add(propertyName(prop.name) ?? '', prop.initializer);
        }
      } else if (name) add(name, value);
    }
  }

  /** The client a `new …(…)` or `X.from(…)` expression creates, if it is one. */
  private clientCreatedBy(node: ts.Node): ClientRef | undefined {
    if (ts.isNewExpression(node)) {
      const explicitRegion = this.v2RegionSet || hasExplicitRegion(node.arguments);
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee)) {
        // AWS.S3, AWS.DynamoDB.DocumentClient, ns.S3Client
        if (ts.isPropertyAccessExpression(callee.expression) && callee.name.text === 'DocumentClient' && this.isV2Namespace(callee.expression.expression)) {
          return { client: clientByV2('DynamoDB')!, kind: 'documentClient', explicitRegion };
        }
        if (this.isV2Namespace(callee.expression)) {
          const client = clientByV2(callee.name.text);
          return client ? { client, kind: 'v2', explicitRegion } : undefined;
        }
        if (ts.isIdentifier(callee.expression)) {
          const ns = this.v3Namespaces.get(callee.expression.text);
          if (ns) return this.v3ClientRef({ ...ns, exported: callee.name.text }, explicitRegion);
          // `import { DynamoDB } from 'aws-sdk'`: new DynamoDB.DocumentClient()
          const v2 = this.v2Classes.get(callee.expression.text);
          if (v2 && v2 !== 'DocumentClient' && v2.iam === 'dynamodb' && callee.name.text === 'DocumentClient') return { client: v2, kind: 'documentClient', explicitRegion };
        }
        return undefined;
      }
      if (ts.isIdentifier(callee)) {
        const v2 = this.v2Classes.get(callee.text);
        if (v2 === 'DocumentClient') return { client: clientByV2('DynamoDB')!, kind: 'documentClient', explicitRegion };
        if (v2) return { client: v2, kind: 'v2', explicitRegion };
        const v3 = this.v3Names.get(callee.text);
        if (v3) return this.v3ClientRef(v3, explicitRegion);
      }
      return undefined;
    }
    // DynamoDBDocument.from(client) / DynamoDBDocumentClient.from(client)
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'from' && ts.isIdentifier(node.expression.expression)) {
      const v3 = this.v3Names.get(node.expression.expression.text);
      if (v3?.exported === 'DynamoDBDocument' && v3.client) return { client: v3.client, kind: 'documentClient', explicitRegion: false };
      if (v3?.exported === 'DynamoDBDocumentClient' && v3.client) return { client: v3.client, kind: 'v3Bare', explicitRegion: false };
    }
    return undefined;
  }

  private v3ClientRef(name: V3Name, explicitRegion: boolean): ClientRef | undefined {
    const { client, exported } = name;
    if (!client || exported.endsWith('Command') || exported === 'Upload') return undefined;
    if (exported.endsWith('Client')) return { client, kind: 'v3Bare', explicitRegion };
    if (exported === 'DynamoDBDocument') return { client, kind: 'documentClient', explicitRegion };
    return /^[A-Z]/.test(exported) ? { client, kind: 'v3Aggregate', explicitRegion } : undefined;
  }

  private isV2Namespace(expr: ts.Expression): boolean {
    return ts.isIdentifier(expr) && this.v2Namespaces.has(expr.text);
  }

  // ---- calls ---------------------------------------------------------------------------------

  private collectCall(node: ts.Node): void {
    if (ts.isNewExpression(node)) this.onNew(node);
    else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) this.onPaginator(node, node.expression.text);
    else if (ts.isPropertyAccessExpression(node)) this.onMember(node, node.name.text, node.expression);
    else if (ts.isElementAccessExpression(node)) {
      const arg = node.argumentExpression;
      if (ts.isStringLiteralLike(arg)) this.onMember(node, arg.text, node.expression);
      else if (this.clientOf(node.expression) || this.isV2Namespace(node.expression) || this.isV3Namespace(node.expression)) {
        this.opaque(node, 'calls an SDK member whose name is computed at run time');
      }
    }
  }

  private isV3Namespace(expr: ts.Expression): boolean {
    return ts.isIdentifier(expr) && this.v3Namespaces.has(expr.text);
  }

  private onNew(node: ts.NewExpression): void {
    const name = this.v3NameOf(node.expression);
    const arg = node.arguments?.[0];
    if (name?.pkg === '@aws-sdk/lib-storage' && name.exported === 'Upload') {
      const s3 = clientByV3Package('@aws-sdk/client-s3')!;
      this.addCall(node, s3, 'PutObject', arg ? this.propertyValue(arg, 'params') : undefined, this.bareClientHasRegion(s3));
      return;
    }
    if (!name?.client || !name.exported.endsWith('Command')) return;
    const operation = name.pkg === '@aws-sdk/lib-dynamodb' ? documentClientCommands[name.exported] : name.exported.slice(0, -'Command'.length);
    if (!operation) {
      this.opaque(node, `uses ${name.exported}, which stackfix cannot map to IAM actions`);
      return;
    }
    this.addCall(node, name.client, operation, arg, this.bareClientHasRegion(name.client));
  }

  /** Which imported v3 name (`PutCommand`, `ns.PutObjectCommand`) an expression is. */
  private v3NameOf(expr: ts.Expression): V3Name | undefined {
    if (ts.isIdentifier(expr)) return this.v3Names.get(expr.text);
    if (ts.isPropertyAccessExpression(expr) && ts.isIdentifier(expr.expression)) {
      const ns = this.v3Namespaces.get(expr.expression.text);
      return ns ? { ...ns, exported: expr.name.text } : undefined;
    }
    return undefined;
  }

  /** `paginateListObjectsV2(config, input)`: the operation after `paginate`. */
  private onPaginator(node: ts.CallExpression, local: string): void {
    const name = this.v3Names.get(local);
    if (!name?.client || !/^paginate[A-Z]/.test(name.exported)) return;
    this.addCall(node, name.client, name.exported.slice('paginate'.length), node.arguments[1], this.bareClientHasRegion(name.client));
  }

  /** Commands run on some client of their service; if any such client sets its region, so may the call. */
  private bareClientHasRegion(client: SdkClient): boolean {
    return [...this.clients.values()].some((ref) => ref.client.iam === client.iam && ref.explicitRegion);
  }

  private onMember(node: ts.PropertyAccessExpression | ts.ElementAccessExpression, member: string, receiver: ts.Expression): void {
    const ref = this.clientOf(receiver);
    if (!ref || ref.kind === 'v3Bare' || NOT_OPERATIONS.has(member)) return;
    const call = ts.isCallExpression(node.parent) && node.parent.expression === node ? node.parent : undefined;
    const args = call?.arguments ?? ts.factory.createNodeArray<ts.Expression>();
    if (REQUEST_METHODS.has(member) || SIGNED_URL_METHODS.has(member)) {
      const op = args[0];
      if (op && ts.isStringLiteralLike(op)) this.addCall(node, ref.client, pascalCase(op.text), args[1], ref.explicitRegion);
      else this.opaque(node, `calls ${member} with an operation computed at run time`);
      return;
    }
    if (member === 'waitFor') {
      this.opaque(node, 'waits with a waiter, whose operations stackfix does not map');
      return;
    }
    const helper = jsHelpers[`${ref.client.iam}.${member}`];
    const operation = ref.kind === 'documentClient' ? documentClientMethods[member] : helper ?? pascalCase(member);
    if (!operation || !actionsForOperation(ref.client, operation)) return;
    this.addCall(node, ref.client, operation, args[0], ref.explicitRegion);
  }

  /** The client an expression evaluates to: a tracked variable, `this.x`, or a `new` right there. */
  private clientOf(expr: ts.Expression): ClientRef | undefined {
    const inner = unwrap(expr);
    const key = keyOf(inner);
    if (key) return this.clients.get(key);
    return this.clientCreatedBy(inner);
  }

  /**
   * A v2 or aggregated client that leaves the code (passed to a function, returned, exported, put in
   * an object) may be called where we cannot see it: that reading is incomplete.
   */
  private checkEscapes(): void {
    const tracked = new Set([...this.clients].filter(([, ref]) => ref.kind !== 'v3Bare').map(([key]) => key));
    // `ctx.s3 = new S3()`, `import * as clients`: the object that holds a client takes it along.
    const holders = new Map([...tracked].filter((key) => key.includes('.') && !key.startsWith('this.')).map((key) => [key.split('.')[0]!, key]));
    if (tracked.size === 0) return;
    this.walk(this.sf, (node) => {
      const key = ts.isIdentifier(node) || ts.isPropertyAccessExpression(node) ? keyOf(node) : undefined;
      if (!key || !(tracked.has(key) || holders.has(key))) return;
      if (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) return; // the `s3` of `this.s3`
      if (isHarmlessUse(node) || this.isWrapped(node)) return;
      const what = tracked.has(key) ? `the ${key} client` : `${key}, which holds the ${holders.get(key)} client,`;
      this.opaque(node, `passes ${what} on; calls made through it elsewhere are not visible`);
    });
  }

  // ---- request parameters -----------------------------------------------------------------------

  private addCall(node: ts.Node, client: SdkClient, operation: string, arg: ts.Expression | undefined, explicitRegion: boolean): void {
    const actions = actionsForOperation(client, operation);
    if (actions === undefined) {
      this.opaque(node, `calls ${client.iam} ${operation}, which the IAM reference has no action for`);
      return;
    }
    if (actions.length === 0) return;
    const literal = arg ? this.objectLiteralOf(arg) : undefined;
    const params = resourceParamsOf(client.iam).map((p) => p.param);
    const targets: ValueSource[] = [];
    let usesIndex = false;
    const keys = new Set<string>();
    if (literal) {
      this.visitProperties(literal, (name, value, computedKey) => {
        keys.add(name);
        if (name === 'IndexName') usesIndex = true;
        if (params.includes(name) && value) targets.push(this.valueOf(value));
        if (computedKey !== undefined) targets.push(computedKey);
      });
    }
    const statement = literal ? this.statementText(literal) : undefined;
    this.out.calls.push({
      service: client.iam,
      actions: refineActions(actions, literal ? keys : undefined, statement),
      targets,
      usesIndex,
      explicitRegion,
      evidence: this.evidence(node),
    });
  }

  /** The object literal an argument is, directly or through a `const params = {…}` in this file. */
  private objectLiteralOf(expr: ts.Expression, depth = 0): ts.ObjectLiteralExpression | undefined {
    const inner = unwrap(expr);
    if (ts.isObjectLiteralExpression(inner)) return inner;
    if (ts.isIdentifier(inner) && depth < 4) {
      const init = this.initializerOf(inner.text);
      return init ? this.objectLiteralOf(init, depth + 1) : undefined;
    }
    return undefined;
  }

  private propertyValue(expr: ts.Expression, name: string): ts.Expression | undefined {
    const literal = this.objectLiteralOf(expr);
    for (const prop of literal?.properties ?? []) {
      if (ts.isPropertyAssignment(prop) && propertyName(prop.name) === name) return prop.initializer;
      if (ts.isShorthandPropertyAssignment(prop) && prop.name.text === name) return prop.name;
    }
    return undefined;
  }

  /**
   * Every property in an object literal, nested objects and arrays included (batch and transact
   * requests name their tables deeper down); spreads of known literals are followed. Computed keys
   * of `RequestItems` are table names.
   */
  private visitProperties(literal: ts.ObjectLiteralExpression, visit: (name: string, value: ts.Expression | undefined, computedKey?: ValueSource) => void, depth = 0): void {
    if (depth > 6) return;
    for (const prop of literal.properties) {
      if (ts.isSpreadAssignment(prop)) {
        const spread = this.objectLiteralOf(prop.expression);
        if (spread) this.visitProperties(spread, visit, depth + 1);
        continue;
      }
      if (ts.isShorthandPropertyAssignment(prop)) {
        visit(prop.name.text, prop.name);
        continue;
      }
      if (!ts.isPropertyAssignment(prop)) continue;
      const name = propertyName(prop.name);
      visit(name ?? '', prop.initializer);
      if (name === 'RequestItems') {
        const items = this.objectLiteralOf(prop.initializer);
        for (const item of items?.properties ?? []) {
          if (!ts.isPropertyAssignment(item)) continue;
          const key = ts.isComputedPropertyName(item.name) ? this.valueOf(item.name.expression) : { literal: propertyName(item.name) ?? '' };
          visit('', undefined, key);
        }
      }
      this.visitNested(prop.initializer, visit, depth + 1);
    }
  }

  private visitNested(value: ts.Expression, visit: (name: string, value: ts.Expression | undefined, computedKey?: ValueSource) => void, depth: number): void {
    const inner = unwrap(value);
    if (ts.isObjectLiteralExpression(inner)) this.visitProperties(inner, visit, depth);
    else if (ts.isArrayLiteralExpression(inner)) for (const el of inner.elements) this.visitNested(el, visit, depth);
  }

  private statementText(literal: ts.ObjectLiteralExpression): string | undefined {
    let text: string | undefined;
    this.visitProperties(literal, (name, value) => {
      if (name === 'Statement' && value && ts.isStringLiteralLike(unwrap(value))) text = (text ?? '') + ' ' + (unwrap(value) as ts.StringLiteralLike).text;
      else if (name === 'Statement') text = undefined;
    });
    return text;
  }

  /** Where a value comes from: an environment variable, a literal, or nothing this reading can tell. */
  private valueOf(expr: ts.Expression, depth = 0): ValueSource {
    const inner = unwrap(expr);
    if (depth > 5) return { unknown: true };
    if (ts.isStringLiteralLike(inner)) return literalSource(inner.text);
    const env = envName(inner);
    if (env) return { env };
    if (ts.isBinaryExpression(inner) && (inner.operatorToken.kind === ts.SyntaxKind.BarBarToken || inner.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
      const left = this.valueOf(inner.left, depth + 1);
      return 'unknown' in left ? this.valueOf(inner.right, depth + 1) : left;
    }
    if (ts.isCallExpression(inner) && ts.isIdentifier(inner.expression) && inner.expression.text === 'String' && inner.arguments[0]) {
      return this.valueOf(inner.arguments[0], depth + 1);
    }
    if (ts.isIdentifier(inner)) {
      const fromEnv = this.destructuredEnv(inner.text);
      if (fromEnv) return { env: fromEnv };
      const init = this.initializerOf(inner.text);
      return init ? this.valueOf(init, depth + 1) : { unknown: true };
    }
    return { unknown: true };
  }

  /** The initializer of the one variable of that name in this file (several: not certain which). */
  private initializerOf(name: string): ts.Expression | undefined {
    const found: ts.VariableDeclaration[] = [];
    this.walk(this.sf, (node) => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name) found.push(node);
    });
    if (found.length !== 1 || !found[0]!.initializer) return undefined;
    const list = found[0]!.parent;
    // A `let` may be reassigned later; only a `const` is certain.
    if (ts.isVariableDeclarationList(list) && !(list.flags & ts.NodeFlags.Const)) return undefined;
    return found[0]!.initializer;
  }

  /** `const { TABLE_NAME } = process.env` / `const { TABLE_NAME: table } = process.env`. */
  private destructuredEnv(name: string): string | undefined {
    let env: string | undefined;
    this.walk(this.sf, (node) => {
      if (!ts.isVariableDeclaration(node) || !node.initializer || !ts.isObjectBindingPattern(node.name)) return;
      const init = unwrap(node.initializer);
      if (!(ts.isPropertyAccessExpression(init) && init.name.text === 'env' && ts.isIdentifier(init.expression) && init.expression.text === 'process')) return;
      for (const el of node.name.elements) {
        if (ts.isIdentifier(el.name) && el.name.text === name) {
          env = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : name;
        }
      }
    });
    return env;
  }

  // ---- reporting -----------------------------------------------------------------------------

  private evidence(node: ts.Node) {
    const statement = enclosingStatement(node);
    return { file: this.path, line: lineAt(this.text, node.getStart(this.sf)), text: oneLine(statement.getText(this.sf)) };
  }

  private opaque(node: ts.Node, reason: string): void {
    this.out.opaque.push({ evidence: this.evidence(node), reason });
  }
}

function isV2RegionSetting(node: ts.Node, namespaces: Set<string>): boolean {
  // AWS.config.update({ region }) or AWS.config.region = …
  if (!ts.isPropertyAccessExpression(node) || node.name.text !== 'config' || !ts.isIdentifier(node.expression) || !namespaces.has(node.expression.text)) return false;
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name.text === 'region') return true;
  return ts.isPropertyAccessExpression(parent) && parent.name.text === 'update' && ts.isCallExpression(parent.parent) && hasExplicitRegion(parent.parent.arguments);
}

/** A client built with `{ region }`, `{ endpoint }`, or a config we cannot read, may talk to another region. */
function hasExplicitRegion(args: ts.NodeArray<ts.Expression> | undefined): boolean {
  const first = args?.[0];
  if (!first) return false;
  const inner = unwrap(first);
  if (!ts.isObjectLiteralExpression(inner)) return true;
  return inner.properties.some((p) => {
    const name = p.name ? propertyName(p.name) : undefined;
    return ts.isSpreadAssignment(p) || name === 'region' || name === 'endpoint';
  });
}

/** `const s3 = new …` → `s3`; `this.s3 = new …` / `s3 = new …` → that; a class field `s3 = new …` → `this.s3`. */
function assignedName(node: ts.Node): string | undefined {
  const parent = outerOf(node).parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return keyOf(parent.left);
  if (ts.isPropertyDeclaration(parent) && ts.isIdentifier(parent.name)) return `this.${parent.name.text}`;
  return undefined;
}

/** `s3`, `this.s3`, and `m.s3` (a client of an imported module, or one assigned to an object's property). */
function keyOf(expr: ts.Expression): string | undefined {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr) && expr.expression.kind === ts.SyntaxKind.ThisKeyword) return `this.${expr.name.text}`;
  if (ts.isPropertyAccessExpression(expr) && ts.isIdentifier(expr.expression)) return `${expr.expression.text}.${expr.name.text}`;
  return undefined;
}

/** `module.exports = …` → `default`; `module.exports.s3 = …` / `exports.s3 = …` → `s3`. */
function exportTarget(node: ts.Node): string | undefined {
  if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const isModuleExports = (e: ts.Expression) => ts.isPropertyAccessExpression(e) && e.name.text === 'exports' && ts.isIdentifier(e.expression) && e.expression.text === 'module';
  const left = node.left;
  if (isModuleExports(left)) return 'default';
  if (!ts.isPropertyAccessExpression(left)) return undefined;
  const owner = left.expression;
  return isModuleExports(owner) || (ts.isIdentifier(owner) && owner.text === 'exports') ? left.name.text : undefined;
}

/** `export default x`, `module.exports = x`, `exports.s3 = x`, `module.exports = { s3: x }`. */
function isExported(node: ts.Node): boolean {
  const parent = outerOf(node).parent;
  if (ts.isExportAssignment(parent) || exportTarget(parent) !== undefined) return true;
  const literal = ts.isShorthandPropertyAssignment(parent) || ts.isPropertyAssignment(parent) ? parent.parent : undefined;
  return literal !== undefined && exportTarget(literal.parent) === 'default';
}

/** `new AWS.S3().getObject(…)`: the client is the receiver of a call right there. */
function isReceiver(node: ts.Node): boolean {
  const outer = outerOf(node);
  const parent = outer.parent;
  return (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === outer;
}

/** X-Ray's `captureAWS(require('aws-sdk'))` and `captureAWSClient(new S3())` return what they are given, traced. */
const TRANSPARENT_CALLS = new Set(['captureAWS', 'captureAWSClient', 'captureAWSv3Client']);

function isTransparentCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node) || node.arguments.length !== 1) return false;
  const callee = node.expression;
  const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
  return TRANSPARENT_CALLS.has(name);
}

/** The outermost expression that is still this value: through parentheses, casts, `await` and X-Ray wrappers. */
function outerOf(node: ts.Node): ts.Node {
  let current = node;
  for (;;) {
    const parent = current.parent;
    const same =
      ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isNonNullExpression(parent) || ts.isAwaitExpression(parent) || (isTransparentCall(parent) && parent.arguments[0] === current);
    if (!same) return current;
    current = parent;
  }
}

/**
 * Uses of a client that keep it in this code: its declaration, assignment, member access, an import
 * of it, an export of it (the modules that import it are read, and see it under their own names).
 */
function isHarmlessUse(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && parent.name === node) return true;
  if (isTransparentCall(parent)) return isHarmlessUse(parent);
  if (ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return true;
  if ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === node) return true;
  if (ts.isPropertyDeclaration(parent) || ts.isParameter(parent)) return true;
  if (ts.isImportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent) || (ts.isBindingElement(parent) && parent.name === node)) return true;
  return ts.isExportSpecifier(parent) || isExported(node);
}

function envName(expr: ts.Expression): string | undefined {
  const isProcessEnv = (e: ts.Expression) =>
    ts.isPropertyAccessExpression(e) && e.name.text === 'env' && ts.isIdentifier(e.expression) && e.expression.text === 'process';
  if (ts.isPropertyAccessExpression(expr) && isProcessEnv(expr.expression)) return expr.name.text;
  if (ts.isElementAccessExpression(expr) && isProcessEnv(expr.expression) && ts.isStringLiteralLike(expr.argumentExpression)) return expr.argumentExpression.text;
  return undefined;
}

function unwrap(expr: ts.Expression): ts.Expression {
  let inner = expr;
  for (;;) {
    if (ts.isParenthesizedExpression(inner) || ts.isNonNullExpression(inner) || ts.isAsExpression(inner) || ts.isTypeAssertionExpression(inner) || ts.isSatisfiesExpression(inner)) inner = inner.expression;
    else if (ts.isAwaitExpression(inner)) inner = inner.expression;
    else if (isTransparentCall(inner)) inner = inner.arguments[0]!;
    else return inner;
  }
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** A literal of inline code that is exactly one `${Name}` the template substitutes names that value. */
export function literalSource(text: string): ValueSource {
  const marker = /^__stackfix_sub_(\d+)__$/.exec(text);
  if (marker) return { sub: Number(marker[1]) };
  if (/__stackfix_sub_\d+__/.test(text)) return { unknown: true };
  return { literal: text };
}

function enclosingStatement(node: ts.Node): ts.Node {
  let current = node;
  while (current.parent && !ts.isSourceFile(current.parent) && !ts.isBlock(current.parent) && !ts.isStatement(current)) current = current.parent;
  return current;
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

export function joinPath(dir: string, rel: string): string {
  const parts = (dir ? dir.split('/') : []).concat(rel.split('/'));
  const out: string[] = [];
  for (const part of parts) {
    if (part === '.' || part === '') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}
