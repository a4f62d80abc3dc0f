/**
 * ts-morph (and the TypeScript compiler it carries: about 70 MiB and a second of startup) is loaded only
 * when there is TypeScript or JavaScript to read: a CDK file to fix, `--verify` of a patched CDK file, or
 * JavaScript Lambda code in a template. A run on templates only must not load it.
 *
 * The package is bundled as the real thing loads it (ES modules, code splitting: every dynamic
 * import() a chunk of its own, every package external), and a fresh Node process runs it: any static
 * import path from the entry to ts-morph puts ts-morph in that process's module cache.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code:
        ZipFile: |
          def handler(event, context):
              return {}
`;

// ES module code (import/export: saved as .mjs, which takes parsing it) and a role scoped from what the code calls.
const JS_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      Policies:
        - PolicyName: data
          PolicyDocument:
            Statement: [{ Effect: Allow, Action: 'dynamodb:*', Resource: '*' }]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Environment:
        Variables:
          TABLE: !Ref Table
      Code:
        ZipFile: |
          import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
          const client = new DynamoDBClient({});
          export const handler = async (event) => client.send(new GetItemCommand({ TableName: process.env.TABLE, Key: { id: { S: event.id } } }));
`;

const CDK_STACK = `import * as cdk from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

export class DataStack extends cdk.Stack {
  constructor(scope: cdk.App, id: string) {
    super(scope, id);
    new dynamodb.Table(this, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  }
}
`;

// The child runs each step and says, after each, whether ts-morph is in its module cache.
const PROBE = `
import { createRequire } from 'node:module';
const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((f) => /[\\\\/]ts-morph[\\\\/]/.test(f));
const { fix } = await import('./index.js');
const out = { imported: loaded() };
const templates = await fix({ root: process.argv[2], configFile: false, verify: true });
out.templates = { loaded: loaded(), fixed: templates.summary.fixed, errors: templates.errors.length };
const js = await fix({ root: process.argv[3], configFile: false });
out.jsTemplate = { loaded: loaded(), fixed: js.summary.fixed, errors: js.errors.length + js.files.reduce((n, f) => n + f.errors.length, 0),
  transforms: [...new Set(js.files.flatMap((f) => f.findings.filter((x) => x.status === 'fixed').map((x) => x.transformId)))] };
const cdk = await fix({ root: process.argv[4], configFile: false });
out.cdk = { loaded: loaded(), fixed: cdk.summary.fixed };
console.log(JSON.stringify(out));
`;

let dir: string;
const roots: string[] = [];

beforeAll(async () => {
  const { build } = await import('esbuild');
  // Inside the repository, so that the bundle finds node_modules as the package does.
  dir = mkdtempSync(path.join(import.meta.dirname, '.tmp-lazy-load-'));
  await build({
    entryPoints: { index: path.join(import.meta.dirname, '../src/index.ts') },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir: path.join(dir, 'bundle'),
    logLevel: 'silent',
  });
  writeFileSync(path.join(dir, 'bundle', 'probe.mjs'), PROBE);
  const project = (name: string, files: Record<string, string>) => {
    const root = mkdtempSync(path.join(os.tmpdir(), `stackfix-lazy-${name}-`));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
    return root;
  };
  // A SAM-style project's TypeScript handler is a .ts file, but not CDK code: it must not load the CDK model.
  roots.push(project('cfn', { 'template.yaml': TEMPLATE, 'src/handler.ts': 'export const handler = async () => ({ statusCode: 200 });\n' }));
  roots.push(project('js', { 'template.yaml': JS_TEMPLATE }));
  roots.push(project('cdk', { 'lib/data-stack.ts': CDK_STACK }));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

test('ts-morph is loaded for CDK code and JavaScript Lambda code, not for templates alone', () => {
  const child = spawnSync(process.execPath, [path.join(dir, 'bundle', 'probe.mjs'), ...roots], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  type Step = { loaded: boolean; fixed: number; errors?: number; transforms?: string[] };
  const out = JSON.parse(child.stdout) as { imported: boolean; templates: Step; jsTemplate: Step; cdk: Step };
  expect(out.imported, 'importing the package loads ts-morph').toBe(false);
  expect(out.templates.errors).toBe(0);
  expect(out.templates.fixed).toBeGreaterThan(0);
  expect(out.templates.loaded, 'fixing templates (with --verify, next to a non-CDK .ts file) loads ts-morph').toBe(false);
  // The same probe sees ts-morph once something needs it: the checks above are not vacuous. The
  // JavaScript readers of the template halves get TypeScript on first use, and it works there.
  expect(out.jsTemplate).toMatchObject({ loaded: true, errors: 0 });
  expect(out.jsTemplate.transforms).toEqual(expect.arrayContaining(['inline-code', 'iam-scope']));
  expect(out.cdk).toMatchObject({ loaded: true });
  expect(out.cdk.fixed).toBeGreaterThan(0);
}, 60_000);
