/**
 * The CDK view of one TypeScript (or JavaScript) file: its constructs found through its imports,
 * and the edits fixes make to it.
 */
import { Node, SyntaxKind, ts, type CallExpression, type ClassDeclaration, type NewExpression, type SourceFile } from 'ts-morph';
import { CdkConstructCall } from './construct-call.js';
import { Editor } from './editor.js';
import { ensureImport, ensureNodeImport, type ImportContext } from './ensure-import.js';
import { ImportIndex, type Target } from './imports.js';
import { applyStyle, detectStyle } from './style.js';
import { endOfLineAfter, indentContinuation, lineIndent } from './text-edit.js';
import type { CdkReference, CdkStyle, CdkVersion, ConstructCall } from './types.js';
import { versionAtLeast } from './version.js';

export interface CdkSourceOptions {
  /** The file's path relative to the project root, with `/`; defaults to the ts-morph file path. */
  path?: string;
  version?: CdkVersion | undefined;
  /** Defaults to the style detected from the file. */
  style?: CdkStyle;
}

/** Classes whose subclasses hold constructs in their constructor. */
const STACK_CLASSES: ReadonlyArray<{ module: string; name: string }> = [
  { module: 'core', name: 'Stack' },
  { module: 'core', name: 'NestedStack' },
  { module: 'core', name: 'Stage' },
  { module: 'aws-cloudformation', name: 'NestedStack' },
];

export class CdkSource {
  readonly file: SourceFile;
  /** The project's CDK version, or undefined when it cannot be read (treat as the newest v2). */
  readonly version: CdkVersion | undefined;
  /** The file's path relative to the project root, with `/`. */
  readonly path: string;
  /** How the file is written; edits copy it. */
  readonly style: CdkStyle;
  private readonly editor: Editor;
  private readonly calls: CdkConstructCall[] = [];
  private scanned: { tree: ts.SourceFile; list: Array<{ expression: NewExpression; target: Target | undefined }> } | undefined;
  private scannedCalls: { tree: ts.SourceFile; list: Array<{ call: CallExpression; object: Node; method: string }> } | undefined;

  constructor(file: SourceFile, options: CdkSourceOptions = {}) {
    this.file = file;
    this.version = options.version;
    this.path = options.path ?? file.getFilePath().replace(/^\//, '');
    this.style = options.style ?? detectStyle(file);
    this.editor = new Editor(file, () => this.applyStyle());
  }

  /** True when the project's CDK is at least major.minor (unknown version → true). */
  isAtLeast(major: number, minor: number): boolean {
    return versionAtLeast(this.version, major, minor);
  }

  /**
   * Every `new` of `module`.`className` (or of any of several class names) in the file, resolved
   * through its imports, in file order. Asking twice gives the same objects.
   */
  findConstructs(module: string, className: string | string[]): ConstructCall[] {
    const names = typeof className === 'string' ? [className] : className;
    const out: ConstructCall[] = [];
    for (const { expression, target } of this.newExpressions()) {
      const name = classOf(target, module);
      if (name === undefined || !names.includes(name)) continue;
      let call = this.calls.find((c) => c.expression === expression);
      if (!call) {
        call = new CdkConstructCall(expression, module, name, this.editor, this.style);
        this.calls.push(call);
        this.editor.track(call);
      }
      out.push(call);
    }
    return out;
  }

  /**
   * Every `new` expression of the file and what its class is, read once per version of the tree:
   * every transform asks for its constructs in every pass, most often of a tree that has not changed
   * since the last one asked. Every ts-morph edit (the model's, a transform's own, a rollback) parses
   * the file into a new compiler tree, so that tree object is the version.
   */
  private newExpressions(): ReadonlyArray<{ expression: NewExpression; target: Target | undefined }> {
    const tree = this.file.compilerNode;
    if (this.scanned?.tree !== tree) {
      const index = ImportIndex.of(this.file);
      const list = this.file.getDescendantsOfKind(SyntaxKind.NewExpression).map((expression) => ({ expression, target: index.resolve(expression.getExpression()) }));
      this.scanned = { tree, list };
    }
    return this.scanned.list;
  }

  /** Calls like `lambda.Code.fromInline(...)`: `findStaticCalls('aws-lambda', 'Code', 'fromInline')`. */
  findStaticCalls(module: string, className: string, method: string): CallExpression[] {
    const index = ImportIndex.of(this.file);
    return this.methodCalls()
      .filter((c) => c.method === method && classOf(index.resolve(c.object), module) === className)
      .map((c) => c.call);
  }

  /** Every `x.method(...)` call of the file, read once per version of the tree (see newExpressions). */
  private methodCalls(): ReadonlyArray<{ call: CallExpression; object: Node; method: string }> {
    const tree = this.file.compilerNode;
    if (this.scannedCalls?.tree !== tree) {
      const list: Array<{ call: CallExpression; object: Node; method: string }> = [];
      for (const call of this.file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
        const callee = call.getExpression();
        if (Node.isPropertyAccessExpression(callee)) list.push({ call, object: callee.getExpression(), method: callee.getName() });
      }
      this.scannedCalls = { tree, list };
    }
    return this.scannedCalls.list;
  }

  /** What `node` names in CDK terms (`cdk.RemovalPolicy.DESTROY` → core `RemovalPolicy.DESTROY`), or undefined. */
  resolveReference(node: Node): CdkReference | undefined {
    const target = ImportIndex.of(this.file).resolve(node);
    if (!target) return undefined;
    return target.kind === 'root' ? { module: 'core', path: [] } : { module: target.module, path: target.path };
  }

  /**
   * An expression that names `module`.`name` in this file, adding an import when needed, in the style
   * the file already uses: `dynamodb.Table`, `cdk.Duration`, `Duration`, `RemovalPolicy`.
   *
   * In order: an existing value import of the name (its local name); a namespace of the module
   * (`ddb.Table`, `cdk.Duration` through aws-cdk-lib's root, `logs.X` through
   * `import { aws_logs as logs } from 'aws-cdk-lib'`); `cdk.aws_logs.X` when the file already reaches
   * submodules that way. Otherwise it adds: for `core`, the name to an existing `{ … } from
   * 'aws-cdk-lib'` (or `@aws-cdk/core`) list or a new such import; for other modules, the name to an
   * existing `{ … } from 'aws-cdk-lib/<module>'` list, else `aws_<module> as <alias>` to a root list
   * that already imports submodules, else `import * as <alias> from 'aws-cdk-lib/<module>'`
   * (`@aws-cdk/<module>` for v1; `import x = require()` or `const x = require()` when the file writes
   * its imports so). The alias is the module name without `aws-` (`logs`, `lambdaNodejs`); names the
   * file already uses get `Cdk`/a number added instead.
   */
  ensureImport(module: string, name: string): string {
    return ensureImport(this.importContext(), module, name);
  }

  /**
   * The local name of a whole Node.js built-in module (`ensureNodeImport('path')` → `path`), reusing an
   * import of `path` or `node:path` (`* as`, default, `= require`, `const = require`), else adding
   * `import * as path from 'path'` (`node:path` when the file's other imports use `node:`).
   */
  ensureNodeImport(moduleName: string): string {
    return ensureNodeImport(this.importContext(), moduleName);
  }

  /** Classes that extend a CDK `Stack` (or `NestedStack`, `Stage`), directly or through a class of this file. */
  findStackClasses(): ClassDeclaration[] {
    const index = ImportIndex.of(this.file);
    const classes = this.file.getDescendantsOfKind(SyntaxKind.ClassDeclaration);
    const stacks = new Set<ClassDeclaration>();
    const localNames = new Set<string>();
    for (let changed = true; changed; ) {
      changed = false;
      for (const cls of classes) {
        if (stacks.has(cls)) continue;
        const base = cls.getExtends()?.getExpression();
        if (!base) continue;
        const target = index.resolve(base);
        const isStack =
          STACK_CLASSES.some((s) => classOf(target, s.module) === s.name) ||
          (Node.isIdentifier(base) && localNames.has(base.getText()));
        if (isStack) {
          stacks.add(cls);
          const name = cls.getName();
          if (name) localNames.add(name);
          changed = true;
        }
      }
    }
    return classes.filter((cls) => stacks.has(cls));
  }

  /**
   * Insert statements right after the statement that holds `construct` (for `x.node.addDependency(y)`),
   * one per line at that statement's indent, after any comment that ends its line. A missing or extra
   * final `;` is adjusted to the file's style. Throws when the construct is not inside a statement list
   * (a class field initializer, an arrow function's expression body).
   */
  insertStatementsAfter(construct: ConstructCall, statements: string[]): void {
    if (statements.length === 0) return;
    const statement = enclosingStatement(construct.expression);
    const list = statement?.getParentSyntaxList();
    if (!statement || !list) throw new Error(`${construct.constructPath} is not inside a statement list`);
    const text = this.file.getFullText();
    const indent = lineIndent(text, statement.getStart());
    const body = statements
      .map((s) => indent + indentContinuation(this.withSemicolon(s.trim()), indent, this.style))
      .join(this.style.eol);
    if (!ts.getTrailingCommentRanges(text, statement.getEnd())?.length) {
      this.editor.insertStatements(list, list.getChildren().indexOf(statement) + 1, body);
    } else {
      // A comment ends the statement's line: ts-morph would insert before it, so rewrite the
      // enclosing block (construct calls in it are re-attached).
      const at = endOfLineAfter(text, statement.getEnd());
      this.editor.splice(list.getParentOrThrow(), [{ start: at, end: at, text: this.style.eol + body }]);
    }
  }

  /**
   * Points the project's ts-morph manipulation settings (indent, quotes, line ending, trailing
   * commas) at this file. The settings are per project and the loader puts every file in one project,
   * so code that edits this file through ts-morph directly should call this first; this class's own
   * edits do.
   */
  applyStyle(): void {
    applyStyle(this.file.getProject(), this.style);
  }

  private importContext(): ImportContext {
    return { file: this.file, editor: this.editor, style: this.style, major: this.version?.major };
  }

  private withSemicolon(statement: string): string {
    if (this.style.semicolons) return /[;}]$/.test(statement) ? statement : `${statement};`;
    return statement.endsWith(';') ? statement.slice(0, -1) : statement;
  }
}

/**
 * The statement of a statement list that holds `node`, without leaving the function or class
 * that holds it: a class field or an arrow function's expression body has none.
 */
function enclosingStatement(node: Node): Node | undefined {
  for (let current: Node | undefined = node; current && !Node.isSourceFile(current); current = current.getParent()) {
    const owner = current.getParentSyntaxList()?.getParent();
    if (
      Node.isStatement(current) && owner &&
      (Node.isBlock(owner) || Node.isSourceFile(owner) || Node.isModuleBlock(owner) || Node.isCaseClause(owner) || Node.isDefaultClause(owner))
    ) {
      return current;
    }
    const boundary = current.getParent();
    if (boundary && (Node.isPropertyDeclaration(boundary) || Node.isClassLikeDeclarationBase(boundary) ||
        (Node.isArrowFunction(boundary) && boundary.getBody() === current))) {
      return undefined;
    }
  }
  return undefined;
}

/** The class name when `target` is a member of `module` one level down (`ddb.Table`), else undefined. */
function classOf(target: Target | undefined, module: string): string | undefined {
  return target?.kind === 'ref' && target.module === module && target.path.length === 1 ? target.path[0] : undefined;
}
