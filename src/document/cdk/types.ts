/**
 * The data shapes of the CDK source model. `index.ts` re-exports them; transforms import from there.
 */
import type { Expression, NewExpression, ObjectLiteralExpression } from 'ts-morph';

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

/**
 * What an expression names in CDK terms, read through the file's imports:
 * `cdk.RemovalPolicy.DESTROY` → `{ module: 'core', path: ['RemovalPolicy', 'DESTROY'] }`,
 * `dynamodb` (a namespace import) → `{ module: 'aws-dynamodb', path: [] }`.
 */
export interface CdkReference {
  module: string;
  path: string[];
}

/** How the file is written, read off the file so that inserted code looks like its neighbours. */
export interface CdkStyle {
  /** One level of indentation: `'  '`, `'    '` or `'\t'`. */
  indentUnit: string;
  quote: "'" | '"';
  /** Whether statements end with `;`. */
  semicolons: boolean;
  /** Whether multi-line literals and lists end with a comma after their last element. */
  trailingCommas: boolean;
  eol: '\n' | '\r\n';
}
