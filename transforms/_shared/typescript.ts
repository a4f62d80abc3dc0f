/**
 * TypeScript's compiler API (the copy ts-morph carries), loaded the first time it is used. The Lambda
 * code readers of the template halves (inline-code's JavaScript rewrite, iam-scope's SDK call reader)
 * parse JavaScript with it, but most templates have no JavaScript to read: importing ts-morph up front
 * would cost every run about 70 MiB and a second, templates only or not.
 *
 * Use `ts` as the `ts` of ts-morph: `ts.isIdentifier(node)`, `ts.SyntaxKind.Block`, and `ts.Node` for
 * types. Reading any of its members loads ts-morph, so do not read them at module load (a module-level
 * `new Set([ts.SyntaxKind.X])` would load it for every run).
 */
import { createRequire } from 'node:module';
import type { ts as Ts } from 'ts-morph';

const require = createRequire(import.meta.url);
let api: typeof Ts | undefined;

export const ts: typeof Ts = new Proxy({} as typeof Ts, {
  get: (_, key) => Reflect.get((api ??= (require('ts-morph') as typeof import('ts-morph')).ts), key),
});

/*
 * The types of the compiler API the readers name, as `ts.<Type>`. A type-only namespace merges with
 * the value above; it takes no re-export of the whole namespace, so a type used for the first time is
 * added here (the compiler says which).
 */
export declare namespace ts {
  export type CallExpression = Ts.CallExpression;
  export type Diagnostic = Ts.Diagnostic;
  export type ElementAccessExpression = Ts.ElementAccessExpression;
  export type Expression = Ts.Expression;
  export type NewExpression = Ts.NewExpression;
  export type Node = Ts.Node;
  export type NodeArray<T extends Ts.Node> = Ts.NodeArray<T>;
  export type ObjectLiteralExpression = Ts.ObjectLiteralExpression;
  export type PropertyAccessExpression = Ts.PropertyAccessExpression;
  export type PropertyName = Ts.PropertyName;
  export type SourceFile = Ts.SourceFile;
  export type StringLiteral = Ts.StringLiteral;
  export type StringLiteralLike = Ts.StringLiteralLike;
  export type VariableDeclaration = Ts.VariableDeclaration;
}
