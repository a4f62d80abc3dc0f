/**
 * Naming a CDK class or value from code a fix inserts, through the imports the file already has, or
 * a new one written the way the file writes its others. Never binds a name the file already uses.
 */
import { Node, ts, type SourceFile } from 'ts-morph';
import type { Editor } from './editor.js';
import {
  ImportIndex, isSubmoduleName, submoduleExportName, usesRootSubmodulePaths, type ImportStyle, type NamedList,
} from './imports.js';
import { planAppend, quoted } from './text-edit.js';
import type { CdkStyle } from './types.js';

export interface ImportContext {
  file: SourceFile;
  editor: Editor;
  style: CdkStyle;
  /** The project's CDK major, for files whose imports do not tell. */
  major: 1 | 2 | undefined;
}

/** See `CdkSource.ensureImport`. */
export function ensureImport(ctx: ImportContext, module: string, name: string): string {
  const index = ImportIndex.of(ctx.file);
  const bindings = [...index.valueBindings()];
  const named = bindings.find((b) => b.target.kind === 'ref' && b.target.module === module && b.target.path.length === 1 && b.target.path[0] === name);
  if (named) return named.local;
  const namespace = bindings.find((b) => b.target.kind === 'ref' && b.target.module === module && b.target.path.length === 0);
  if (namespace) return `${namespace.local}.${name}`;
  const root = bindings.find((b) => b.target.kind === 'root');
  if (root && module === 'core') return `${root.local}.${name}`;
  if (root && usesRootSubmodulePaths(ctx.file, index)) return `${root.local}.${submoduleExportName(module)}.${name}`;

  const major = index.major ?? ctx.major ?? 2;
  const taken = boundNames(ctx.file);
  const style = index.namespaceStyle();
  if (module === 'core') {
    const specifiers = major === 2 ? ['aws-cdk-lib', 'aws-cdk-lib/core'] : ['@aws-cdk/core'];
    const local = freeName(taken, [name, `Cdk${name}`, ...numbered(name)]);
    const list = index.namedLists.find((l) => specifiers.includes(l.specifier) && l.node.getElements().length > 0);
    if (list) {
      appendNamed(ctx, list, name, local);
      return local;
    }
    addImportStatement(ctx, index, namedImportText(ctx.style, style === 'require' ? 'require' : 'esm', specifiers[0]!, name, local));
    return local;
  }

  const specifier = major === 2 ? `aws-cdk-lib/${module}` : `@aws-cdk/${module}`;
  const list = index.namedLists.find((l) => l.specifier === specifier && l.node.getElements().length > 0);
  if (list && !taken.has(name) && isFreeIdentifier(name)) {
    appendNamed(ctx, list, name, name);
    return name;
  }
  const alias = freeName(taken, moduleAliases(module));
  if (major === 2) {
    // `import { aws_s3 as s3, Stack } from 'aws-cdk-lib'` style: the new module joins that list.
    const rootList = index.namedLists.find(
      (l) => l.specifier === 'aws-cdk-lib' && l.node.getElements().some((e) => isSubmoduleName(importedName(e))),
    );
    if (rootList) {
      appendNamed(ctx, rootList, submoduleExportName(module), alias);
      return `${alias}.${name}`;
    }
  }
  addImportStatement(ctx, index, namespaceImportText(ctx.style, style, specifier, alias));
  return `${alias}.${name}`;
}

/** See `CdkSource.ensureNodeImport`. */
export function ensureNodeImport(ctx: ImportContext, moduleName: string): string {
  const bare = moduleName.replace(/^node:/, '');
  const index = ImportIndex.of(ctx.file);
  for (const binding of index.bindings.values()) {
    if (binding.typeOnly || binding.kind === 'named') continue;
    if (binding.specifier === bare || binding.specifier === `node:${bare}`) return binding.local;
  }
  const prefixed = [...index.bindings.values()].some((b) => b.specifier.startsWith('node:'));
  const camel = camelCase(bare.replace(/\//g, '-'));
  const local = freeName(boundNames(ctx.file), [camel, `node${camel.charAt(0).toUpperCase()}${camel.slice(1)}`, ...numbered(camel)]);
  addImportStatement(ctx, index, namespaceImportText(ctx.style, index.namespaceStyle(), prefixed ? `node:${bare}` : bare, local));
  return local;
}

/** `aws-logs` → `logs`, `aws-lambda-nodejs` → `lambdaNodejs`, then numbered variants. */
function moduleAliases(module: string): string[] {
  const base = camelCase(module.replace(/^aws-/, ''));
  return [base, ...numbered(base)];
}

function camelCase(kebab: string): string {
  const out = kebab.replace(/[-_.]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/[^\w$]/g, '');
  return /^[0-9]/.test(out) ? `_${out}` : out;
}

/** `x2` … `x99`: enough to get past any real file. */
function numbered(base: string): string[] {
  return Array.from({ length: 98 }, (_, i) => `${base}${i + 2}`);
}

function freeName(taken: Set<string>, candidates: string[]): string {
  const found = candidates.find((c) => !taken.has(c) && isFreeIdentifier(c));
  if (!found) throw new Error(`No free name for ${candidates[0]}`);
  return found;
}

/** Not a keyword, and not a global the new binding would shadow (`Function`, `process`). */
function isFreeIdentifier(name: string): boolean {
  return !RESERVED.has(name) && !(name in globalThis);
}

const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'implements interface let package private protected public static yield await arguments eval undefined ' +
    'require module exports type namespace declare abstract any as async from of get set').split(' '),
);

/**
 * The names the file binds or refers to, so a new import cannot clash: every identifier except
 * those that only name a member (`x.name`, `{ name: … }`, `class { name() }`, `import { name as … }`).
 */
export function boundNames(file: SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && !isMemberName(node)) names.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(file.compilerNode);
  return names;
}

function isMemberName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if ((ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent)) && (ts.isPropertyAccessExpression(parent) ? parent.name : parent.right) === node) {
    return true;
  }
  if (
    (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent) ||
      ts.isPropertySignature(parent) || ts.isMethodSignature(parent) || ts.isGetAccessorDeclaration(parent) ||
      ts.isSetAccessorDeclaration(parent) || ts.isEnumMember(parent)) &&
    parent.name === node
  ) {
    return true;
  }
  return (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isBindingElement(parent)) && parent.propertyName === node;
}

function importedName(element: Node): string {
  if (Node.isImportSpecifier(element)) return element.getNameNode().getText();
  if (Node.isBindingElement(element)) return (element.getPropertyNameNode() ?? element.getNameNode()).getText();
  return '';
}

/** Adds `name` (as `local`) to a named import list or a destructured `require`. */
function appendNamed(ctx: ImportContext, list: NamedList, name: string, local: string): void {
  const node = list.node;
  const elements: Node[] = node.getElements();
  const item = name === local ? name : list.style === 'require' ? `${name}: ${local}` : `${name} as ${local}`;
  const text = ctx.file.getFullText();
  const splices = planAppend(
    text,
    {
      open: node.getStart(),
      close: node.getEnd() - 1,
      items: elements.map((e) => ({ start: e.getStart(), end: e.getEnd() })),
      trailingComma: node.compilerNode.elements.hasTrailingComma,
    },
    item,
    ctx.style,
  );
  ctx.editor.splice(node, splices);
}

function namedImportText(style: CdkStyle, importStyle: 'esm' | 'require', specifier: string, name: string, local: string): string {
  const semi = style.semicolons ? ';' : '';
  const from = quoted(specifier, style.quote);
  if (importStyle === 'require') return `const { ${name === local ? name : `${name}: ${local}`} } = require(${from})${semi}`;
  return `import { ${name === local ? name : `${name} as ${local}`} } from ${from}${semi}`;
}

function namespaceImportText(style: CdkStyle, importStyle: ImportStyle, specifier: string, local: string): string {
  const semi = style.semicolons ? ';' : '';
  const from = quoted(specifier, style.quote);
  if (importStyle === 'import-equals') return `import ${local} = require(${from})${semi}`;
  if (importStyle === 'require') return `const ${local} = require(${from})${semi}`;
  return `import * as ${local} from ${from}${semi}`;
}

/** Puts an import statement after the file's last one (or at the top, after a shebang). */
function addImportStatement(ctx: ImportContext, index: ImportIndex, text: string): void {
  const list = ctx.file.getChildSyntaxListOrThrow();
  const last = index.statements[index.statements.length - 1];
  if (last) {
    ctx.editor.insertStatements(list, list.getChildren().indexOf(last) + 1, text);
    return;
  }
  const fullText = ctx.file.getFullText();
  if (fullText.startsWith('#!')) {
    const newline = fullText.indexOf('\n');
    const at = newline < 0 ? fullText.length : newline + 1;
    ctx.editor.splice(ctx.file, [{ start: at, end: at, text: (newline < 0 ? ctx.style.eol : '') + text + ctx.style.eol }]);
    return;
  }
  ctx.editor.insertStatements(list, 0, text + ctx.style.eol);
}
