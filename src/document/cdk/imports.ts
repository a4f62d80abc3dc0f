/**
 * What the names in a file refer to, read off its top-level imports: `import * as ddb from
 * 'aws-cdk-lib/aws-dynamodb'`, `import { TableV2 as T2 } from …`, `import { aws_s3 as s3 } from
 * 'aws-cdk-lib'`, `import cdk = require('@aws-cdk/core')`, `const s3 = require(…)`. Constructs are
 * then found by what they are, whatever the file calls them. Local shadowing is not tracked.
 */
import { Node, SyntaxKind, type ImportDeclaration, type NamedImports, type ObjectBindingPattern, type SourceFile } from 'ts-morph';
import type { CdkReference } from './types.js';

/** The root of aws-cdk-lib (core members plus `aws_*` submodules), or a module and a path into it. */
export type Target = { kind: 'root' } | ({ kind: 'ref' } & CdkReference);

export type ImportStyle = 'esm' | 'import-equals' | 'require';

/** One local name bound by an import of any module. */
export interface Binding {
  local: string;
  specifier: string;
  /** How the name is bound: the whole module (`* as x`, `x = require()`), its default export, or one export. */
  kind: 'namespace' | 'default' | 'named';
  /** Not usable as a value: `import type`, `import { type X }`. */
  typeOnly: boolean;
  style: ImportStyle;
  /** For CDK modules: what the name refers to. */
  target?: Target;
}

/** A `{ A, B as C }` list (or `const { A, B: C } = require()`) that more names can join. */
export interface NamedList {
  specifier: string;
  node: NamedImports | ObjectBindingPattern;
  style: ImportStyle;
}

/** What a module specifier names, when it is CDK. */
export function parseCdkSpecifier(specifier: string): { target: Target; major: 1 | 2 } | undefined {
  if (specifier === 'aws-cdk-lib') return { target: { kind: 'root' }, major: 2 };
  if (specifier.startsWith('aws-cdk-lib/')) {
    const module = specifier.slice('aws-cdk-lib/'.length).split('/')[0]!;
    return { target: { kind: 'ref', module, path: [] }, major: 2 };
  }
  if (specifier.startsWith('@aws-cdk/')) {
    const module = specifier.slice('@aws-cdk/'.length).split('/')[0]!;
    // The `@aws-cdk/*-alpha` packages are v2's experimental modules.
    return { target: { kind: 'ref', module, path: [] }, major: module.endsWith('-alpha') ? 2 : 1 };
  }
  return undefined;
}

/** aws-cdk-lib's root exports submodules as `aws_dynamodb`, `custom_resources`, `pipelines`: all lower case. */
export function isSubmoduleName(name: string): boolean {
  return /^[a-z][a-z0-9_]*$/.test(name);
}

/** `aws-dynamodb` → `aws_dynamodb`, the name of the submodule on aws-cdk-lib's root. */
export function submoduleExportName(module: string): string {
  return module.replace(/-/g, '_');
}

/** `target.name`: a submodule or core member of the root, or one step deeper into a module. */
export function member(target: Target, name: string): Target {
  if (target.kind === 'root') {
    return isSubmoduleName(name)
      ? { kind: 'ref', module: name.replace(/_/g, '-'), path: [] }
      : { kind: 'ref', module: 'core', path: [name] };
  }
  return { kind: 'ref', module: target.module, path: [...target.path, name] };
}

/** By compiler tree: ts-morph parses a file into a new tree on every edit, so an entry is never stale. */
const indexes = new WeakMap<object, ImportIndex>();

export class ImportIndex {
  /** Every imported local name, by name. */
  readonly bindings = new Map<string, Binding>();
  /** Top-level statements that import something, in file order. */
  readonly statements: Node[] = [];
  readonly namedLists: NamedList[] = [];
  /** The CDK major the imports are written for: 2 for aws-cdk-lib, 1 for @aws-cdk/* (undefined: neither). */
  major: 1 | 2 | undefined;

  private constructor() {}

  /** The index of the file as it is now; built once per version of its tree (an edit makes a new tree). */
  static of(file: SourceFile): ImportIndex {
    const tree = file.compilerNode;
    let index = indexes.get(tree);
    if (!index) {
      index = ImportIndex.read(file);
      indexes.set(tree, index);
    }
    return index;
  }

  private static read(file: SourceFile): ImportIndex {
    const index = new ImportIndex();
    for (const statement of file.getStatements()) {
      if (Node.isImportDeclaration(statement)) index.addImportDeclaration(statement);
      else if (Node.isImportEqualsDeclaration(statement)) {
        const reference = statement.getModuleReference();
        if (!Node.isExternalModuleReference(reference)) continue;
        const literal = reference.getExpression();
        if (!literal || !Node.isStringLiteral(literal)) continue;
        index.statements.push(statement);
        index.bind(statement.getName(), literal.getLiteralValue(), 'namespace', statement.isTypeOnly(), 'import-equals');
      } else if (Node.isVariableStatement(statement)) {
        let isImport = false;
        for (const declaration of statement.getDeclarations()) {
          const specifier = requiredSpecifier(declaration.getInitializer());
          if (specifier === undefined) continue;
          isImport = true;
          const name = declaration.getNameNode();
          if (Node.isIdentifier(name)) index.bind(name.getText(), specifier, 'namespace', false, 'require');
          else if (Node.isObjectBindingPattern(name)) {
            index.namedLists.push({ specifier, node: name, style: 'require' });
            for (const element of name.getElements()) {
              const local = element.getNameNode();
              if (element.getDotDotDotToken() || !Node.isIdentifier(local)) continue;
              const imported = element.getPropertyNameNode()?.getText() ?? local.getText();
              index.bind(local.getText(), specifier, 'named', false, 'require', imported);
            }
          }
        }
        if (isImport) index.statements.push(statement);
      }
    }
    return index;
  }

  /** What `node` names in CDK terms, through the imports: `ddb.Table`, `T2`, `cdk.aws_s3.Bucket`, `cdk.Duration.days`. */
  resolve(node: Node): Target | undefined {
    if (Node.isIdentifier(node)) return this.bindings.get(node.getText())?.target;
    if (Node.isPropertyAccessExpression(node)) {
      const left = this.resolve(node.getExpression());
      return left && member(left, node.getName());
    }
    if (Node.isParenthesizedExpression(node) || Node.isNonNullExpression(node)) return this.resolve(node.getExpression());
    return undefined;
  }

  /** The CDK bindings usable as values. */
  *valueBindings(): Iterable<Binding & { target: Target }> {
    for (const binding of this.bindings.values()) {
      if (binding.target && !binding.typeOnly) yield binding as Binding & { target: Target };
    }
  }

  /** How this file writes whole-module imports, by majority: `import * as`, `import x = require`, `const x = require`. */
  namespaceStyle(): ImportStyle {
    const counts: Record<ImportStyle, number> = { esm: 0, 'import-equals': 0, require: 0 };
    for (const statement of this.statements) {
      if (Node.isImportDeclaration(statement)) counts.esm++;
      else if (Node.isImportEqualsDeclaration(statement)) counts['import-equals']++;
      else counts.require++;
    }
    if (counts['import-equals'] > counts.esm && counts['import-equals'] >= counts.require) return 'import-equals';
    if (counts.require > counts.esm) return 'require';
    return 'esm';
  }

  private addImportDeclaration(declaration: ImportDeclaration): void {
    this.statements.push(declaration);
    const specifier = declaration.getModuleSpecifierValue();
    const typeOnly = declaration.isTypeOnly();
    const defaultImport = declaration.getDefaultImport();
    if (defaultImport) this.bind(defaultImport.getText(), specifier, 'default', typeOnly, 'esm');
    const namespaceImport = declaration.getNamespaceImport();
    if (namespaceImport) this.bind(namespaceImport.getText(), specifier, 'namespace', typeOnly, 'esm');
    const namedBindings = declaration.getImportClause()?.getNamedBindings();
    if (namedBindings && Node.isNamedImports(namedBindings)) {
      if (!typeOnly) this.namedLists.push({ specifier, node: namedBindings, style: 'esm' });
      for (const element of namedBindings.getElements()) {
        const imported = element.getNameNode().getText();
        const local = element.getAliasNode()?.getText() ?? imported;
        this.bind(local, specifier, 'named', typeOnly || element.isTypeOnly(), 'esm', imported);
      }
    }
  }

  private bind(local: string, specifier: string, kind: Binding['kind'], typeOnly: boolean, style: ImportStyle, imported?: string): void {
    const binding: Binding = { local, specifier, kind, typeOnly, style };
    const cdk = parseCdkSpecifier(specifier);
    if (cdk) {
      binding.target = kind === 'named' ? member(cdk.target, imported ?? local) : cdk.target;
      // An aws-cdk-lib import decides the flavour over any @aws-cdk/*-alpha one.
      if (this.major === undefined || (cdk.major === 2 && !specifier.endsWith('-alpha'))) this.major = cdk.major;
    }
    this.bindings.set(local, binding);
  }
}

/** `require('x')` → `x`. */
function requiredSpecifier(node: Node | undefined): string | undefined {
  if (!node || !Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  const [arg] = node.getArguments();
  if (!Node.isIdentifier(callee) || callee.getText() !== 'require' || !arg || !Node.isStringLiteral(arg)) return undefined;
  return arg.getLiteralValue();
}

/** Whether the file reaches submodules through the root namespace: `cdk.aws_s3.Bucket`. */
export function usesRootSubmodulePaths(file: SourceFile, index: ImportIndex): boolean {
  const roots = new Set([...index.valueBindings()].filter((b) => b.target.kind === 'root').map((b) => b.local));
  if (roots.size === 0) return false;
  return file.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression).some((access) => {
    const left = access.getExpression();
    return Node.isIdentifier(left) && roots.has(left.getText()) && isSubmoduleName(access.getName());
  });
}
