/** Policy statements as TypeScript of the file they go into: its quotes, its `Aws` import. */
import type { Json } from '../../../src/document/cfn/index.js';
import type { CdkSource } from '../../../src/document/cdk/index.js';

export interface RenderedStatement {
  actions: string[];
  /** TypeScript expressions, with `${AWS_PARTITION}`-style placeholders for the pseudo parameters. */
  resources: string[];
}

/** A resource as TypeScript: `'*'`, `table.tableArn`, or a template literal with `Aws` pseudo parameters. */
export function renderResource(resource: Json, quoteChar: string): string {
  if (resource === '*') return quote('*', quoteChar);
  if (resource && typeof resource === 'object' && !Array.isArray(resource)) {
    if (typeof resource.cdk === 'string') return resource.cdk;
    const sub = resource['Fn::Sub'];
    if (typeof sub === 'string') {
      const text = sub
        .replace(/\$\{AWS::Partition\}/g, '${AWS_PARTITION}')
        .replace(/\$\{AWS::Region\}/g, '${AWS_REGION}')
        .replace(/\$\{AWS::AccountId\}/g, '${AWS_ACCOUNT_ID}')
        .replace(/\$\{!/g, '\\${');
      return '`' + text + '`';
    }
  }
  return quote(String(resource), quoteChar);
}

/** `` `arn:${AWS_PARTITION}:…` `` → `` `arn:${cdk.Aws.PARTITION}:…` ``, importing `Aws` when a placeholder is there. */
export function withPseudoParameters(source: CdkSource, texts: string[]): string[] {
  if (!texts.some((t) => /\$\{AWS_(PARTITION|REGION|ACCOUNT_ID)\}/.test(t))) return texts;
  const aws = source.ensureImport('core', 'Aws');
  return texts.map((t) => t.replace(/\$\{AWS_(PARTITION|REGION|ACCOUNT_ID)\}/g, `\${${aws}.$1}`));
}

/** The placeholder form of written resources, to compare them with rendered ones. */
export function placeholderForm(written: string): string {
  return written.replace(/\$\{[\w.]*\bAws\.(PARTITION|REGION|ACCOUNT_ID)\}/g, '${AWS_$1}');
}

/** `new iam.PolicyStatement({ actions: [...], resources: [...] })` for `iam.PolicyStatement` as the file names it. */
export function statementText(source: CdkSource, statement: RenderedStatement): string {
  const policyStatement = source.ensureImport('aws-iam', 'PolicyStatement');
  const q = source.style.quote;
  const resources = withPseudoParameters(source, statement.resources);
  return `new ${policyStatement}({ actions: [${statement.actions.map((a) => quote(a, q)).join(', ')}], resources: [${resources.join(', ')}] })`;
}

export function quote(text: string, quoteChar: string): string {
  return `${quoteChar}${text.replace(/\\/g, '\\\\').replace(new RegExp(quoteChar, 'g'), `\\${quoteChar}`)}${quoteChar}`;
}
