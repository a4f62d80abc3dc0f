/**
 * Which sources are CDK code, by their imports. The pipeline asks before it loads the CDK model, so
 * this module must not import ts-morph (nor anything that does): a run whose `.ts` files are Lambda
 * handlers, not CDK apps, never loads it.
 */
const CDK_SPECIFIER = String.raw`['"](?:aws-cdk-lib(?:/[^'"]*)?|@aws-cdk/[^'"]+)['"]`;
const CDK_IMPORT = new RegExp(
  String.raw`(?:\bfrom\s*|\bimport\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)${CDK_SPECIFIER}`,
);

/**
 * True when the text imports aws-cdk-lib (or a subpath of it) or an `@aws-cdk/*` package, by
 * `import`, `export … from`, `import x = require()`, `require()` or `import()`. `constructs` alone
 * does not make a CDK file.
 */
export function isCdkFile(text: string): boolean {
  return CDK_IMPORT.test(text);
}
