/**
 * CONTRACT (being implemented): the CDK source model. Transforms' CDK halves use only what is
 * exported here. See the JSDoc of each member for the exact behaviour.
 */
import type { CallExpression, ClassDeclaration, Expression, NewExpression, ObjectLiteralExpression, SourceFile } from 'ts-morph';

export interface CdkVersion {
  major: 1 | 2;
  minor: number;
  patch: number;
  /** Where it was read: `node_modules/aws-cdk-lib/package.json` or `package.json (range ^2.100.0)`. */
  source: string;
}

/** One `new X(scope, id, props)` of a CDK construct class. */
export interface ConstructCall {
  expression: NewExpression;
  /** The CDK module without prefix: `aws-dynamodb`, `aws-lambda`, `core` for aws-cdk-lib's root / @aws-cdk/core. */
  module: string;
  className: string;
  /** The construct id when it is a string literal. */
  id: string | undefined;
  /** `const table = new …` → `table`; `this.table = new …` → `this.table`; undefined when not assigned. */
  variableName: string | undefined;
  /** `StackClassName/id` (best effort), for reports. */
  constructPath: string;
  /** The props object literal, or undefined when absent. */
  getProps(): ObjectLiteralExpression | undefined;
  /** True when the props are not a plain object literal we can read fully (a variable, a spread…). */
  propsAreOpaque(): boolean;
  /** The initializer of a property of the props literal (shorthand `{ x }` gives the identifier). */
  getProp(name: string): Expression | undefined;
  /** Add `name: initializerText` to the props (creating the props literal when absent), or replace its initializer. */
  setProp(name: string, initializerText: string): void;
}

export declare class CdkSource {
  readonly file: SourceFile;
  /** The project's CDK version, or undefined when it cannot be read (treat as the newest v2). */
  readonly version: CdkVersion | undefined;
  /** True when the project's CDK is at least major.minor (unknown version → true). */
  isAtLeast(major: number, minor: number): boolean;
  /** Every `new` of `module`.`className` (or of any of several class names) in the file, resolved through its imports. */
  findConstructs(module: string, className: string | string[]): ConstructCall[];
  /** Calls like `lambda.Code.fromInline(...)`: `findStaticCalls('aws-lambda', 'Code', 'fromInline')`. */
  findStaticCalls(module: string, className: string, method: string): CallExpression[];
  /**
   * An expression that names `module`.`name` in this file, adding an import when needed, in the style
   * the file already uses: `dynamodb.Table`, `cdk.Duration`, `Duration`, `RemovalPolicy`.
   */
  ensureImport(module: string, name: string): string;
  /** Classes that extend a CDK `Stack` (or `NestedStack`, `Stage`), for statements in their constructor. */
  findStackClasses(): ClassDeclaration[];
  /** Insert statements right after the statement that holds `construct` (for `x.node.addDependency(y)`). */
  insertStatementsAfter(construct: ConstructCall, statements: string[]): void;
}
