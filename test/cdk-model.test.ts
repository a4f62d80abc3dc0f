import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ModuleKind, ModuleResolutionKind, Project, ScriptTarget, SyntaxKind, ts } from 'ts-morph';
import { describe, expect, test } from 'vitest';
import { isCdkFile, loadCdkSources, rangeFloor, readCdkVersion, versionAtLeast, type CdkSource } from '../src/document/cdk/index.js';

const root = resolve(import.meta.dirname, '..');

function load(text: string, path = 'lib/stack.ts', readFile: (p: string) => string | undefined = () => undefined): CdkSource {
  return loadCdkSources([{ path, text }], { readFile })[0]!;
}

/** The text after `edit`, which must leave everything but the edited spots as it was. */
function edit(text: string, fn: (source: CdkSource) => void): string {
  const source = load(text);
  fn(source);
  return source.file.getFullText();
}

function tables(source: CdkSource) {
  return source.findConstructs('aws-dynamodb', ['Table', 'TableV2']);
}

describe('resolving constructs through imports', () => {
  test('namespace import of a submodule', () => {
    const source = load(`import * as ddb from 'aws-cdk-lib/aws-dynamodb';
new ddb.Table(this, 'T');
`);
    expect(tables(source).map((c) => [c.module, c.className, c.id])).toEqual([['aws-dynamodb', 'Table', 'T']]);
  });

  test('named imports, with aliases, and several class names', () => {
    const source = load(`import { Table, TableV2 as T2 } from 'aws-cdk-lib/aws-dynamodb';
new Table(this, 'A');
new T2(this, 'B');
`);
    expect(tables(source).map((c) => [c.className, c.id])).toEqual([['Table', 'A'], ['TableV2', 'B']]);
    expect(source.findConstructs('aws-dynamodb', 'Table').map((c) => c.id)).toEqual(['A']);
  });

  test('submodule imported by name from the root', () => {
    const source = load(`import { aws_dynamodb as dynamodb, Stack } from 'aws-cdk-lib';
new dynamodb.Table(this, 'T');
`);
    expect(tables(source).map((c) => c.id)).toEqual(['T']);
  });

  test('root namespace: submodule paths, core classes, static calls and values', () => {
    const source = load(`import * as cdk from 'aws-cdk-lib';
new cdk.aws_dynamodb.Table(this, 'T', { removalPolicy: cdk.RemovalPolicy.RETAIN });
new cdk.CfnOutput(this, 'Out', { value: cdk.Duration.days(1).toHumanString() });
`);
    const [table] = tables(source);
    expect(table?.id).toBe('T');
    expect(source.findConstructs('core', 'CfnOutput').map((c) => c.id)).toEqual(['Out']);
    expect(source.findStaticCalls('core', 'Duration', 'days').map((c) => c.getText())).toEqual(['cdk.Duration.days(1)']);
    expect(source.resolveReference(table!.getProp('removalPolicy')!)).toEqual({ module: 'core', path: ['RemovalPolicy', 'RETAIN'] });
  });

  test('CDK v1 packages, including `import x = require()`', () => {
    const source = load(`import * as dynamodb from '@aws-cdk/aws-dynamodb';
import cdk = require('@aws-cdk/core');
export class S extends cdk.Stack {
  constructor(scope: cdk.App, id: string) {
    super(scope, id);
    new dynamodb.Table(this, 'T');
    new cdk.CfnOutput(this, 'Out', { value: 'x' });
  }
}
`);
    expect(tables(source).map((c) => c.constructPath)).toEqual(['S/T']);
    expect(source.findConstructs('core', 'CfnOutput').map((c) => c.id)).toEqual(['Out']);
    expect(source.findStackClasses().map((c) => c.getName())).toEqual(['S']);
  });

  test('require() in JavaScript', () => {
    const source = load(
      `const s3 = require('aws-cdk-lib/aws-s3');
const { Bucket: B } = require('aws-cdk-lib/aws-s3');
new s3.Bucket(this, 'One');
new B(this, 'Two');
`,
      'lib/stack.js',
    );
    expect(source.findConstructs('aws-s3', 'Bucket').map((c) => c.id)).toEqual(['One', 'Two']);
  });

  test('only what the imports say: other libraries and other modules do not match', () => {
    const source = load(`import { Table } from 'some-other-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
new Table(this, 'NotCdk');
new lambda.Function(this, 'F', {});
new NodejsFunction(this, 'N', {});
new lambda.Code();
`);
    expect(tables(source)).toEqual([]);
    expect(source.findConstructs('aws-lambda', ['Function', 'SingletonFunction', 'NodejsFunction']).map((c) => c.id)).toEqual(['F']);
    expect(source.findConstructs('aws-lambda-nodejs', 'NodejsFunction').map((c) => c.id)).toEqual(['N']);
  });

  test('static calls in each import form', () => {
    const source = load(`import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Code } from 'aws-cdk-lib/aws-lambda';
import * as cdk from 'aws-cdk-lib';
lambda.Code.fromInline('a');
Code.fromInline('b');
cdk.aws_lambda.Code.fromInline('c');
Code.fromAsset('d');
`);
    expect(source.findStaticCalls('aws-lambda', 'Code', 'fromInline').map((c) => c.getArguments()[0]!.getText())).toEqual([
      "'a'",
      "'b'",
      "'c'",
    ]);
  });

  test('asking twice gives the same construct calls', () => {
    const source = load(`import { Table } from 'aws-cdk-lib/aws-dynamodb';
new Table(this, 'T');
`);
    expect(tables(source)[0]).toBe(tables(source)[0]);
  });
});

// The scans behind findConstructs, findStaticCalls and the import index are kept per version of the
// tree: every edit, whoever makes it, must show in the next answer.
describe('what the source finds follows every edit', () => {
  const STACK = `import * as ddb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';

export function build(scope: any) {
  const a = new ddb.Table(scope, 'A');
  lambda.Code.fromInline('x');
}
`;
  const ids = (source: CdkSource) => tables(source).map((c) => c.id);
  const inlineArgs = (source: CdkSource) => source.findStaticCalls('aws-lambda', 'Code', 'fromInline').map((c) => c.getArguments()[0]!.getText());
  const body = (source: CdkSource) => source.file.getFunctionOrThrow('build').getBodyOrThrow().getChildSyntaxListOrThrow();

  test('constructs and static calls added or removed through ts-morph directly', () => {
    const source = load(STACK);
    expect(ids(source)).toEqual(['A']);
    expect(inlineArgs(source)).toEqual(["'x'"]);
    body(source).insertChildText(2, "  new ddb.Table(scope, 'B');\n  lambda.Code.fromInline('y');");
    expect(ids(source)).toEqual(['A', 'B']);
    expect(inlineArgs(source)).toEqual(["'x'", "'y'"]);
    source.file.getDescendantsOfKind(SyntaxKind.VariableStatement)[0]!.remove();
    expect(ids(source)).toEqual(['B']);
    expect(tables(source)[0]!.expression.wasForgotten()).toBe(false);
  });

  test('through the model: a construct added by a prop is found, and the calls found before stay the same objects', () => {
    const source = load(STACK);
    const [a] = tables(source);
    a!.setProp('replica', "new ddb.Table(scope, 'Nested')");
    expect(tables(source)).toHaveLength(2);
    expect(tables(source)[0]).toBe(a);
    expect(ids(source)).toEqual(['A', 'Nested']);
  });

  test('an import added or removed changes what names resolve to', () => {
    const source = load(`new Table(this, 'T');\nCode.fromInline('x');\n`);
    expect(ids(source)).toEqual([]);
    expect(inlineArgs(source)).toEqual([]);
    source.file.insertStatements(0, "import { Table } from 'aws-cdk-lib/aws-dynamodb';\nimport { Code } from 'aws-cdk-lib/aws-lambda';");
    expect(ids(source)).toEqual(['T']);
    expect(inlineArgs(source)).toEqual(["'x'"]);
    source.file.getImportDeclarations()[0]!.remove();
    expect(ids(source)).toEqual([]);
  });

  test('a rollback to the very text the scan was made of still gives live nodes', () => {
    // The pipeline undoes a fix that throws by replacing the whole text, which forgets every node:
    // the same text is a new tree, and nothing found in the old one may be handed out.
    const source = load(STACK);
    const before = source.file.getFullText();
    const [a] = tables(source);
    const [code] = source.findStaticCalls('aws-lambda', 'Code', 'fromInline');
    a!.setProp('pointInTimeRecovery', 'true');
    const fixed = source.file.getFullText();
    source.file.replaceWithText(before);
    expect(code!.wasForgotten()).toBe(true);
    const [again] = tables(source);
    expect(again!.expression.wasForgotten()).toBe(false);
    expect(source.findStaticCalls('aws-lambda', 'Code', 'fromInline')[0]!.wasForgotten()).toBe(false);
    again!.setProp('pointInTimeRecovery', 'true');
    expect(source.file.getFullText()).toBe(fixed);
  });
});

describe('ConstructCall', () => {
  const text = `import * as ddb from 'aws-cdk-lib/aws-dynamodb';
import { Stack } from 'aws-cdk-lib';

const shared = { readCapacity: 1 };

export class DataStack extends Stack {
  readonly field = new ddb.Table(this, 'Field');
  table: ddb.Table;

  constructor(scope: any, id: string, partitionKey: ddb.Attribute) {
    super(scope, id);
    const a = new ddb.Table(this, 'A', { partitionKey, 'table-name': 'x', tableName: 'y' });
    this.table = new ddb.Table(this, 'B', shared);
    let c: ddb.Table = new ddb.Table(this, \`C\`, { ...shared, partitionKey });
    new ddb.Table(this, props.id, { partitionKey } as ddb.TableProps);
  }
}

new ddb.Table(app, 'Top');
`;

  test('id, variable name and construct path', () => {
    const calls = tables(load(text));
    expect(calls.map((c) => [c.id, c.variableName, c.constructPath])).toEqual([
      ['Field', 'this.field', 'DataStack/Field'],
      ['A', 'a', 'DataStack/A'],
      ['B', 'this.table', 'DataStack/B'],
      ['C', 'c', 'DataStack/C'],
      [undefined, undefined, 'DataStack/Table'],
      ['Top', undefined, 'app/Top'],
    ]);
  });

  test('reading props, shorthand and quoted keys included', () => {
    const [field, a, b, c, d] = tables(load(text));
    expect(a!.getProp('partitionKey')?.getKind()).toBe(SyntaxKind.Identifier);
    expect(a!.getProp('partitionKey')?.getText()).toBe('partitionKey');
    expect(a!.getProp('table-name')?.getText()).toBe("'x'");
    expect(a!.getProp('tableName')?.getText()).toBe("'y'");
    expect(a!.getProp('billingMode')).toBeUndefined();
    expect(field!.getProps()).toBeUndefined();
    expect(field!.getProp('x')).toBeUndefined();
    expect(d!.getProps()?.getText()).toBe('{ partitionKey }');
    expect([field, a, b, c, d].map((call) => call!.propsAreOpaque())).toEqual([false, false, true, true, false]);
    expect(c!.getProp('partitionKey')?.getText()).toBe('partitionKey');
  });

  test('setProp refuses props it cannot see', () => {
    const source = load(text);
    const before = source.file.getFullText();
    expect(() => tables(source)[2]!.setProp('x', '1')).toThrow(/not an object literal/);
    expect(() => tables(source)[1]!.setProp('x', 'a b')).toThrow(/Not an expression/);
    expect(() => tables(source)[1]!.setProp('x', '1, 2')).toThrow(/Not an expression/);
    expect(source.file.getFullText()).toBe(before);
  });
});

describe('setProp layout', () => {
  const header = `import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as cdk from 'aws-cdk-lib';

export class S extends cdk.Stack {
  constructor(scope: cdk.App, id: string) {
    super(scope, id);
`;
  const footer = `    new cdk.CfnOutput(this, 'Name', { value: 'x' });
  }
}
`;
  const wrap = (body: string) => header + body + footer;
  const setFirst = (body: string, name: string, value: string) =>
    edit(wrap(body), (s) => tables(s)[0]!.setProp(name, value));

  test('multi-line with a trailing comma and a comment after the last property', () => {
    const body = `    const dynamoTable = new dynamodb.Table(this, 'items', {
      partitionKey: {
        name: 'itemId',
        type: dynamodb.AttributeType.STRING
      },
      tableName: 'items',

      // The default removal policy is RETAIN.
      removalPolicy: cdk.RemovalPolicy.DESTROY, // NOT recommended for production code
    });
`;
    expect(setFirst(body, 'pointInTimeRecoverySpecification', '{ pointInTimeRecoveryEnabled: true }')).toBe(
      wrap(`    const dynamoTable = new dynamodb.Table(this, 'items', {
      partitionKey: {
        name: 'itemId',
        type: dynamodb.AttributeType.STRING
      },
      tableName: 'items',

      // The default removal policy is RETAIN.
      removalPolicy: cdk.RemovalPolicy.DESTROY, // NOT recommended for production code
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
`),
    );
  });

  test('multi-line without a trailing comma gets the separator, and no trailing comma', () => {
    const body = `    new dynamodb.Table(this, 'T', {
      tableName: 'items' // the name
    });
`;
    expect(setFirst(body, 'deletionProtection', 'true')).toBe(
      wrap(`    new dynamodb.Table(this, 'T', {
      tableName: 'items', // the name
      deletionProtection: true
    });
`),
    );
  });

  test('single-line stays single-line', () => {
    expect(setFirst(`    new dynamodb.Table(this, 'T', { tableName: 'a' });\n`, 'deletionProtection', 'true')).toBe(
      wrap(`    new dynamodb.Table(this, 'T', { tableName: 'a', deletionProtection: true });\n`),
    );
    expect(setFirst(`    new dynamodb.Table(this, 'T', {tableName: 'a',});\n`, 'deletionProtection', 'true')).toBe(
      wrap(`    new dynamodb.Table(this, 'T', {tableName: 'a', deletionProtection: true,});\n`),
    );
  });

  test('empty literal becomes multi-line, one level deeper than the line of the new', () => {
    expect(setFirst(`    const t = new dynamodb.Table(this, 'T', {});\n`, 'deletionProtection', 'true')).toBe(
      wrap(`    const t = new dynamodb.Table(this, 'T', {
      deletionProtection: true,
    });
`),
    );
  });

  test('absent props are added after the id', () => {
    expect(setFirst(`    const t = new dynamodb.Table(this, 'T');\n`, 'deletionProtection', 'true')).toBe(
      wrap(`    const t = new dynamodb.Table(this, 'T', {
      deletionProtection: true,
    });
`),
    );
  });

  test('absent props with arguments one per line', () => {
    expect(setFirst(`    new dynamodb.Table(\n      this,\n      'T',\n    );\n`, 'deletionProtection', 'true')).toBe(
      wrap(`    new dynamodb.Table(
      this,
      'T',
      {
        deletionProtection: true,
      },
    );
`),
    );
  });

  test('replacing an initializer, a shorthand property, and re-indenting multi-line values', () => {
    const body = `    new dynamodb.Table(this, 'T', {
      billingMode,
      removalPolicy: cdk.RemovalPolicy.DESTROY, // keep this note
    });
`;
    const out = edit(wrap(body), (s) => {
      const [table] = tables(s);
      table!.setProp('removalPolicy', 'cdk.RemovalPolicy.RETAIN');
      table!.setProp('billingMode', 'dynamodb.BillingMode.PAY_PER_REQUEST');
      table!.setProp('pointInTimeRecoverySpecification', '{\n    pointInTimeRecoveryEnabled: true,\n}');
    });
    expect(out).toBe(
      wrap(`    new dynamodb.Table(this, 'T', {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      removalPolicy: cdk.RemovalPolicy.RETAIN, // keep this note
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: true,
      },
    });
`),
    );
  });

  test('the file style: four spaces, tabs, CRLF, double quotes for new keys', () => {
    const four = `import * as dynamodb from "aws-cdk-lib/aws-dynamodb";\n\nfunction f() {\n    new dynamodb.Table(this, "T", {});\n}\n`;
    expect(edit(four, (s) => tables(s)[0]!.setProp('my-key', '{\n  a: 1\n}'))).toBe(
      `import * as dynamodb from "aws-cdk-lib/aws-dynamodb";\n\nfunction f() {\n    new dynamodb.Table(this, "T", {\n        "my-key": {\n            a: 1\n        },\n    });\n}\n`,
    );
    const tabs = `import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';\n\nfunction f() {\n\tif (x) {\n\t\tnew dynamodb.Table(this, 'T');\n\t}\n}\n`;
    expect(edit(tabs, (s) => tables(s)[0]!.setProp('a', '1'))).toBe(
      `import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';\n\nfunction f() {\n\tif (x) {\n\t\tnew dynamodb.Table(this, 'T', {\n\t\t\ta: 1,\n\t\t});\n\t}\n}\n`,
    );
    const crlf = `import * as dynamodb from 'aws-cdk-lib/aws-dynamodb'\r\n\r\nfunction f() {\r\n  new dynamodb.Table(this, 'T', {\r\n    b: 2\r\n  })\r\n}\r\n`;
    expect(edit(crlf, (s) => {
      tables(s)[0]!.setProp('a', '{\n  x: 1\n}');
      s.insertStatementsAfter(tables(s)[0]!, ['g();']);
    })).toBe(
      `import * as dynamodb from 'aws-cdk-lib/aws-dynamodb'\r\n\r\nfunction f() {\r\n  new dynamodb.Table(this, 'T', {\r\n    b: 2,\r\n    a: {\r\n      x: 1\r\n    }\r\n  })\r\n  g()\r\n}\r\n`,
    );
  });

  test('several construct calls edited in turn, nested ones included, stay usable', () => {
    const text = `import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';

function f(scope: any) {
  const fn = new lambda.Function(scope, 'F', {
    role: new iam.Role(scope, 'R', { assumedBy: principal }),
  });
  new lambda.Function(scope, 'G');
}
`;
    const source = load(text);
    const [fn, g] = source.findConstructs('aws-lambda', 'Function');
    const [role] = source.findConstructs('aws-iam', 'Role');
    fn!.setProp('memorySize', '256');
    g!.setProp('memorySize', '512');
    role!.setProp('description', "'x'");
    source.insertStatementsAfter(fn!, ['fn.addToRolePolicy(statement)']);
    fn!.setProp('timeout', 't');
    expect(role!.expression.wasForgotten()).toBe(false);
    expect(source.file.getFullText()).toBe(`import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';

function f(scope: any) {
  const fn = new lambda.Function(scope, 'F', {
    role: new iam.Role(scope, 'R', { assumedBy: principal, description: 'x' }),
    memorySize: 256,
    timeout: t,
  });
  fn.addToRolePolicy(statement);
  new lambda.Function(scope, 'G', {
    memorySize: 512,
  });
}
`);
  });
});

describe('insertStatementsAfter', () => {
  test('after the statement, at its indent, after a comment that ends its line', () => {
    const text = `import { Table } from 'aws-cdk-lib/aws-dynamodb'
import { Function } from 'aws-cdk-lib/aws-lambda'

class S {
  constructor() {
    const table = new Table(this, 'T', {
      tableName: 'x',
    }) // the table
    const fn = new Function(this, 'F', {})
  }
}
new Function(app, 'Top'); // top
`;
    const source = load(text);
    const [table] = tables(source);
    const [fn, top] = source.findConstructs('aws-lambda', 'Function');
    source.insertStatementsAfter(table!, ['fn.node.addDependency(table);']);
    source.insertStatementsAfter(fn!, ['a()', 'if (x) {\n  b()\n}']);
    source.insertStatementsAfter(top!, ['c()']);
    fn!.setProp('memorySize', '1');
    expect(source.file.getFullText()).toBe(`import { Table } from 'aws-cdk-lib/aws-dynamodb'
import { Function } from 'aws-cdk-lib/aws-lambda'

class S {
  constructor() {
    const table = new Table(this, 'T', {
      tableName: 'x',
    }) // the table
    fn.node.addDependency(table)
    const fn = new Function(this, 'F', {
      memorySize: 1,
    })
    a()
    if (x) {
      b()
    }
  }
}
new Function(app, 'Top'); // top
c()
`);
  });

  test('refuses a construct outside any statement list', () => {
    const source = load(`import { Table } from 'aws-cdk-lib/aws-dynamodb';\nclass S { t = new Table(this, 'T'); }\n`);
    expect(() => source.insertStatementsAfter(tables(source)[0]!, ['x();'])).toThrow(/not inside a statement list/);
  });
});

describe('findStackClasses', () => {
  test('Stack, NestedStack, Stage through any import, and subclasses in the file', () => {
    const source = load(`import * as cdk from 'aws-cdk-lib';
import { Stack as S, NestedStack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
class A extends cdk.Stack {}
class B extends S {}
class C extends NestedStack {}
class D extends cdk.Stage {}
class E extends Construct {}
class F extends G {}
class G extends A {}
class H {}
`);
    expect(source.findStackClasses().map((c) => c.getName())).toEqual(['A', 'B', 'C', 'D', 'F', 'G']);
  });
});

describe('ensureImport', () => {
  const body = `\nexport class S extends Stack {}\n`;

  test('uses an existing namespace or named import', () => {
    const text = `import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as cdk from 'aws-cdk-lib';
import { aws_logs as logs, Duration as D } from 'aws-cdk-lib';
`;
    const source = load(text);
    expect(source.ensureImport('aws-dynamodb', 'Table')).toBe('dynamodb.Table');
    expect(source.ensureImport('core', 'RemovalPolicy')).toBe('cdk.RemovalPolicy');
    expect(source.ensureImport('core', 'Duration')).toBe('D');
    expect(source.ensureImport('aws-logs', 'RetentionDays')).toBe('logs.RetentionDays');
    expect(source.file.getFullText()).toBe(text);
  });

  test('core: joins the named import from aws-cdk-lib, or adds one', () => {
    expect(edit(`import { Stack } from 'aws-cdk-lib';\nimport * as s3 from 'aws-cdk-lib/aws-s3';${body}`, (s) => {
      expect(s.ensureImport('core', 'Duration')).toBe('Duration');
      expect(s.ensureImport('core', 'Duration')).toBe('Duration');
    })).toBe(`import { Stack, Duration } from 'aws-cdk-lib';\nimport * as s3 from 'aws-cdk-lib/aws-s3';${body}`);

    expect(edit(`import {\n  Stack,\n  aws_s3 as s3,\n} from 'aws-cdk-lib';${body}`, (s) => {
      expect(s.ensureImport('core', 'Duration')).toBe('Duration');
    })).toBe(`import {\n  Stack,\n  aws_s3 as s3,\n  Duration,\n} from 'aws-cdk-lib';${body}`);

    expect(edit(`import * as s3 from 'aws-cdk-lib/aws-s3';${body}`, (s) => {
      expect(s.ensureImport('core', 'RemovalPolicy')).toBe('RemovalPolicy');
    })).toBe(`import * as s3 from 'aws-cdk-lib/aws-s3';\nimport { RemovalPolicy } from 'aws-cdk-lib';${body}`);
  });

  test('other modules: a namespace import named after the module', () => {
    expect(edit(`import { Stack } from 'aws-cdk-lib';\nimport { Bucket } from 'aws-cdk-lib/aws-s3';${body}`, (s) => {
      expect(s.ensureImport('aws-logs', 'RetentionDays')).toBe('logs.RetentionDays');
      expect(s.ensureImport('aws-logs', 'LogGroup')).toBe('logs.LogGroup');
      expect(s.ensureImport('aws-lambda-nodejs', 'NodejsFunction')).toBe('lambdaNodejs.NodejsFunction');
      expect(s.ensureImport('aws-s3', 'BucketEncryption')).toBe('BucketEncryption');
    })).toBe(
      `import { Stack } from 'aws-cdk-lib';\nimport { Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';\nimport * as logs from 'aws-cdk-lib/aws-logs';\nimport * as lambdaNodejs from 'aws-cdk-lib/aws-lambda-nodejs';${body}`,
    );
  });

  test('follows the root-import style of the file', () => {
    expect(edit(`import { aws_s3 as s3, Stack } from 'aws-cdk-lib';${body}`, (s) => {
      expect(s.ensureImport('aws-logs', 'RetentionDays')).toBe('logs.RetentionDays');
    })).toBe(`import { aws_s3 as s3, Stack, aws_logs as logs } from 'aws-cdk-lib';${body}`);

    const viaRoot = `import * as cdk from 'aws-cdk-lib';\nnew cdk.aws_s3.Bucket(this, 'B');\n`;
    expect(edit(viaRoot, (s) => expect(s.ensureImport('aws-logs', 'RetentionDays')).toBe('cdk.aws_logs.RetentionDays'))).toBe(viaRoot);

    expect(edit(`import * as cdk from 'aws-cdk-lib';\nnew cdk.Stack();\n`, (s) => {
      expect(s.ensureImport('aws-logs', 'RetentionDays')).toBe('logs.RetentionDays');
    })).toBe(`import * as cdk from 'aws-cdk-lib';\nimport * as logs from 'aws-cdk-lib/aws-logs';\nnew cdk.Stack();\n`);
  });

  test('never binds a name the file already uses', () => {
    const text = `import { Stack } from 'aws-cdk-lib';
import { Duration } from './my-duration';
const logs = [];
class Function {}
`;
    expect(edit(text, (s) => {
      expect(s.ensureImport('core', 'Duration')).toBe('CdkDuration');
      expect(s.ensureImport('aws-logs', 'RetentionDays')).toBe('logs2.RetentionDays');
      expect(s.ensureImport('core', 'Duration')).toBe('CdkDuration');
    })).toBe(`import { Stack, Duration as CdkDuration } from 'aws-cdk-lib';
import { Duration } from './my-duration';
import * as logs2 from 'aws-cdk-lib/aws-logs';
const logs = [];
class Function {}
`);
    // A property named like the import is no clash; a global is.
    expect(edit(`import * as s3 from 'aws-cdk-lib/aws-s3';\nx.Duration = { logs: 1 };\n`, (s) => {
      expect(s.ensureImport('core', 'Duration')).toBe('Duration');
      expect(s.ensureImport('aws-lambda', 'Function')).toBe('lambda.Function');
    })).toBe(`import * as s3 from 'aws-cdk-lib/aws-s3';\nimport { Duration } from 'aws-cdk-lib';\nimport * as lambda from 'aws-cdk-lib/aws-lambda';\nx.Duration = { logs: 1 };\n`);
  });

  test('CDK v1, `import x = require()`, double quotes and no semicolons', () => {
    const v1 = `import cdk = require("@aws-cdk/core")\nimport dynamodb = require("@aws-cdk/aws-dynamodb")\n\nnew cdk.Stack()\n`;
    expect(edit(v1, (s) => {
      expect(s.ensureImport('core', 'Duration')).toBe('cdk.Duration');
      expect(s.ensureImport('aws-logs', 'RetentionDays')).toBe('logs.RetentionDays');
    })).toBe(`import cdk = require("@aws-cdk/core")\nimport dynamodb = require("@aws-cdk/aws-dynamodb")\nimport logs = require("@aws-cdk/aws-logs")\n\nnew cdk.Stack()\n`);

    expect(edit(`import { Stack } from '@aws-cdk/core';\n`, (s) => {
      expect(s.ensureImport('core', 'Duration')).toBe('Duration');
      expect(s.ensureImport('aws-logs', 'RetentionDays')).toBe('logs.RetentionDays');
    })).toBe(`import { Stack, Duration } from '@aws-cdk/core';\nimport * as logs from '@aws-cdk/aws-logs';\n`);
  });

  test('ensureNodeImport reuses path or node:path, else adds it', () => {
    const existing = `import * as cdk from 'aws-cdk-lib';\nimport * as nodePath from 'node:path';\n`;
    expect(edit(existing, (s) => expect(s.ensureNodeImport('path')).toBe('nodePath'))).toBe(existing);
    expect(edit(`import * as cdk from 'aws-cdk-lib';\n`, (s) => {
      expect(s.ensureNodeImport('path')).toBe('path');
      expect(s.ensureNodeImport('node:path')).toBe('path');
    })).toBe(`import * as cdk from 'aws-cdk-lib';\nimport * as path from 'path';\n`);
    expect(edit(`import * as cdk from 'aws-cdk-lib';\nimport { readFileSync } from 'node:fs';\nconst path = 'x';\n`, (s) => {
      expect(s.ensureNodeImport('path')).toBe('nodePath');
    })).toBe(`import * as cdk from 'aws-cdk-lib';\nimport { readFileSync } from 'node:fs';\nimport * as nodePath from 'node:path';\nconst path = 'x';\n`);
  });

  test('a file without imports gets the import after its shebang', () => {
    expect(edit(`#!/usr/bin/env node\nconst app = 1;\n`, (s) => expect(s.ensureImport('core', 'App')).toBe('App'))).toBe(
      `#!/usr/bin/env node\nimport { App } from 'aws-cdk-lib';\nconst app = 1;\n`,
    );
  });
});

describe('CDK version', () => {
  test('rangeFloor and versionAtLeast', () => {
    expect(rangeFloor('^2.100.0')).toEqual({ major: 2, minor: 100, patch: 0 });
    expect(rangeFloor('2.262.1')).toEqual({ major: 2, minor: 262, patch: 1 });
    expect(rangeFloor('>= 2.50.0 < 3')).toEqual({ major: 2, minor: 50, patch: 0 });
    expect(rangeFloor('~2.1')).toEqual({ major: 2, minor: 1, patch: 0 });
    expect(rangeFloor('1.x || ^2.3.0')).toEqual({ major: 1, minor: 0, patch: 0 });
    expect(rangeFloor('npm:aws-cdk-lib@^2.7.0')).toEqual({ major: 2, minor: 7, patch: 0 });
    expect(rangeFloor('2.0.0-rc.1')).toEqual({ major: 2, minor: 0, patch: 0 });
    expect(rangeFloor('*')).toBeUndefined();
    expect(rangeFloor('latest')).toBeUndefined();
    expect(rangeFloor('workspace:*')).toBeUndefined();
    const v = { major: 2 as const, minor: 139, patch: 0, source: '' };
    expect([versionAtLeast(v, 2, 139), versionAtLeast(v, 2, 140), versionAtLeast(v, 1, 200), versionAtLeast(undefined, 9, 9)]).toEqual([
      true,
      false,
      true,
      true,
    ]);
  });

  test('read from package.json and node_modules, from the file folder upward', () => {
    const dir = mkdtempSync(join(root, 'test', '.tmp-cdk-version-'));
    try {
      const write = (path: string, json: unknown) => {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), JSON.stringify(json));
      };
      const readFile = (path: string) => {
        try {
          return readFileSync(join(dir, path), 'utf8');
        } catch {
          return undefined;
        }
      };
      expect(readCdkVersion('infra/lib', readFile)).toBeUndefined();

      write('package.json', { name: 'root', devDependencies: { typescript: '5' } });
      write('infra/package.json', { dependencies: { 'aws-cdk-lib': '^2.100.0', constructs: '^10' } });
      expect(readCdkVersion('infra/lib', readFile)).toEqual({ major: 2, minor: 100, patch: 0, source: 'infra/package.json (range ^2.100.0)' });

      write('node_modules/aws-cdk-lib/package.json', { name: 'aws-cdk-lib', version: '2.262.1' });
      expect(readCdkVersion('infra/lib', readFile)).toEqual({ major: 2, minor: 262, patch: 1, source: 'node_modules/aws-cdk-lib/package.json' });

      write('v1/package.json', { peerDependencies: { '@aws-cdk/core': '^1.150.0' } });
      expect(readCdkVersion('v1', readFile)).toEqual({ major: 1, minor: 150, patch: 0, source: 'v1/package.json (range ^1.150.0)' });

      // The loader reads versions through the same function, once per folder.
      const reads: string[] = [];
      const [a, b] = loadCdkSources(
        [
          { path: 'infra/lib/a.ts', text: `import * as cdk from 'aws-cdk-lib';\n` },
          { path: 'infra/lib/b.ts', text: `import * as cdk from 'aws-cdk-lib';\n` },
        ],
        { readFile: (p) => (reads.push(p), readFile(p)) },
      );
      expect(a!.version?.minor).toBe(262);
      expect(b!.isAtLeast(2, 262)).toBe(true);
      expect(b!.isAtLeast(2, 263)).toBe(false);
      expect(reads.filter((p) => p === 'infra/package.json')).toHaveLength(1);
      expect(a!.path).toBe('infra/lib/a.ts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('isCdkFile', () => {
  expect(isCdkFile(`import * as cdk from 'aws-cdk-lib';`)).toBe(true);
  expect(isCdkFile(`import { Bucket } from "aws-cdk-lib/aws-s3"`)).toBe(true);
  expect(isCdkFile(`import cdk = require('@aws-cdk/core');`)).toBe(true);
  expect(isCdkFile(`const s3 = require('aws-cdk-lib/aws-s3');`)).toBe(true);
  expect(isCdkFile(`export { Stack } from 'aws-cdk-lib';`)).toBe(true);
  expect(isCdkFile(`import { Construct } from 'constructs';`)).toBe(false);
  expect(isCdkFile(`import x from 'aws-cdk-lib-extra';`)).toBe(false);
  expect(isCdkFile(`// uses aws-cdk-lib\nexport const x = 1;`)).toBe(false);
});

describe('edited output compiles', () => {
  // Shaped like aws-samples/aws-cdk-examples typescript/api-cors-lambda-crud-dynamodb/index.ts. Core
  // comes from 'aws-cdk-lib/core': through 'aws-cdk-lib' the compiler loads every module, and the
  // check takes 13 s instead of 5.
  const stack = `import { IResource, LambdaIntegration, MockIntegration, PassthroughBehavior, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Code, Function, Runtime } from 'aws-cdk-lib/aws-lambda';
import { App, Stack, RemovalPolicy } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';

export class ApiLambdaCrudDynamoDBStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const dynamoTable = new Table(this, 'items', {
      partitionKey: {
        name: 'itemId',
        type: AttributeType.STRING
      },
      tableName: 'items',

      /**
       *  The default removal policy is RETAIN, which means that cdk destroy will not attempt to delete
       * the new table, and it will remain in your account until manually deleted.
       */
      removalPolicy: RemovalPolicy.DESTROY, // NOT recommended for production code
    });

    const getOneLambda = new Function(this, 'getOneItemFunction', {
      code: Code.fromAsset('lambdas'),
      handler: 'get-one.handler',
      runtime: Runtime.NODEJS_20_X,
      environment: {
        PRIMARY_KEY: 'itemId',
        TABLE_NAME: dynamoTable.tableName,
      },
    });

    const getAllLambda = new Function(this, 'getAllItemsFunction', {
      code: Code.fromAsset('lambdas'),
      handler: 'get-all.handler',
      runtime: Runtime.NODEJS_20_X,
      environment: {
        PRIMARY_KEY: 'itemId',
        TABLE_NAME: dynamoTable.tableName,
      }
    });

    dynamoTable.grantReadWriteData(getAllLambda);
    dynamoTable.grantReadWriteData(getOneLambda);

    const api = new RestApi(this, 'itemsApi', {
      restApiName: 'Items Service'
    });

    const items = api.root.addResource('items');
    items.addMethod('GET', new LambdaIntegration(getAllLambda));
    addCorsOptions(items);

    const singleItem = items.addResource('{id}');
    singleItem.addMethod('GET', new LambdaIntegration(getOneLambda));
    addCorsOptions(singleItem);
  }
}

export function addCorsOptions(apiResource: IResource) {
  apiResource.addMethod('OPTIONS', new MockIntegration({
    integrationResponses: [{
      statusCode: '204',
      responseParameters: {
        'method.response.header.Access-Control-Allow-Origin': "'*'",
      },
    }],
    passthroughBehavior: PassthroughBehavior.NEVER,
    requestTemplates: {
      "application/json": "{\\"statusCode\\": 200}"
    },
  }), {
    methodResponses: [{ statusCode: '204' }]
  })
}

const app = new App();
new ApiLambdaCrudDynamoDBStack(app, 'ApiLambdaCrudDynamoDBExample');
app.synth();
`;

  test('a realistic stack, fixed, type-checks against aws-cdk-lib', () => {
    const source = load(stack, 'index.ts');
    const [table] = source.findConstructs('aws-dynamodb', 'Table');
    table!.setProp('pointInTimeRecoverySpecification', '{ pointInTimeRecoveryEnabled: true }');
    for (const fn of source.findConstructs('aws-lambda', ['Function', 'SingletonFunction'])) {
      fn.setProp('timeout', `${source.ensureImport('core', 'Duration')}.seconds(10)`);
      fn.setProp('logRetention', `${source.ensureImport('aws-logs', 'RetentionDays')}.ONE_MONTH`);
    }
    const [api] = source.findConstructs('aws-apigateway', 'RestApi');
    api!.setProp('deployOptions', `{ loggingLevel: ${source.ensureImport('aws-apigateway', 'MethodLoggingLevel')}.INFO }`);
    source.insertStatementsAfter(table!, [`new ${source.ensureImport('core', 'CfnOutput')}(this, 'TableName', { value: dynamoTable.tableName })`]);
    const out = source.file.getFullText();

    expect(out.split('\n').slice(0, 7).join('\n')).toBe(`import { IResource, LambdaIntegration, MockIntegration, PassthroughBehavior, RestApi, MethodLoggingLevel } from 'aws-cdk-lib/aws-apigateway';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Code, Function, Runtime } from 'aws-cdk-lib/aws-lambda';
import { App, Stack, RemovalPolicy, Duration, CfnOutput } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import * as logs from 'aws-cdk-lib/aws-logs';
`);
    expect(out).toContain(`      removalPolicy: RemovalPolicy.DESTROY, // NOT recommended for production code
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    new CfnOutput(this, 'TableName', { value: dynamoTable.tableName });
`);
    expect(out).toContain(`        TABLE_NAME: dynamoTable.tableName,
      },
      timeout: Duration.seconds(10),
      logRetention: logs.RetentionDays.ONE_MONTH,
    });
`);
    expect(out).toContain(`        TABLE_NAME: dynamoTable.tableName,
      },
      timeout: Duration.seconds(10),
      logRetention: logs.RetentionDays.ONE_MONTH
    });
`);
    expect(out).toContain(`      restApiName: 'Items Service',
      deployOptions: { loggingLevel: MethodLoggingLevel.INFO }
    });
`);
    // Everything after the last edit is as it was.
    const tail = stack.slice(stack.indexOf('\n    const items'));
    expect(out.endsWith(tail)).toBe(true);

    const dir = mkdtempSync(join(root, 'test', '.tmp-cdk-model-'));
    try {
      const file = join(dir, 'index.ts');
      writeFileSync(file, out);
      const project = new Project({
        compilerOptions: {
          strict: true,
          module: ModuleKind.NodeNext,
          moduleResolution: ModuleResolutionKind.NodeNext,
          target: ScriptTarget.ES2022,
          skipLibCheck: true,
          noEmit: true,
          types: [],
        },
        skipAddingFilesFromTsConfig: true,
      });
      project.addSourceFileAtPath(file);
      project.resolveSourceFileDependencies();
      const diagnostics = project.getPreEmitDiagnostics().filter((d) => d.getCategory() === ts.DiagnosticCategory.Error);
      expect(project.formatDiagnosticsWithColorAndContext(diagnostics)).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
