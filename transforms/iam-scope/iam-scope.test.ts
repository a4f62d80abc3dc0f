import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';
import { runOne } from '../../test/helpers/run-one.js';
import { narrowestGrants } from './cdk/grants.js';
import { readJsCode } from './code/js.js';
import { readPythonCode } from './code/python.js';
import type { CodeReading } from './code/types.js';
import { grantConstructs, requiresResource, resourceTypesOf } from './data.js';

defineFixtureTests(import.meta.dirname, 'iam-scope');

function read(language: 'js' | 'python', code: string, files: Record<string, string> = {}): CodeReading {
  const out: CodeReading = { calls: [], opaque: [], files: [] };
  const entry = language === 'js' ? 'app.js' : 'app.py';
  if (language === 'js') readJsCode(entry, code, (p) => files[p], out);
  else readPythonCode(entry, code, (p) => files[p], out, '');
  return out;
}

const actionsOf = (r: CodeReading) => [...new Set(r.calls.flatMap((c) => c.actions))].sort();

describe('reading code: exactly the actions each SDK style calls', () => {
  test('JavaScript SDK v2: clients, DocumentClient, managed upload, signed URLs', () => {
    const r = read('js', `
      const AWS = require('aws-sdk');
      const s3 = new AWS.S3();
      const db = new AWS.DynamoDB.DocumentClient();
      exports.handler = async (e) => {
        await db.query({ TableName: process.env.TABLE, IndexName: 'byDate' }).promise();
        await db.put({ TableName: process.env.TABLE, Item: e }).promise();
        await s3.upload({ Bucket: 'b', Key: 'k', Body: '' }).promise();
        return s3.getSignedUrl('getObject', { Bucket: 'b', Key: 'k' });
      };`);
    expect(actionsOf(r)).toEqual(['dynamodb:PutItem', 'dynamodb:Query', 's3:GetObject', 's3:PutObject']);
    expect(r.calls.find((c) => c.actions.includes('dynamodb:Query'))).toMatchObject({ targets: [{ env: 'TABLE' }], usesIndex: true });
    expect(r.opaque).toEqual([]);
  });

  test('JavaScript SDK v3: commands, lib-dynamodb, aggregated clients, paginators, lib-storage', () => {
    const r = read('js', `
      import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
      import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
      import { S3, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
      import { Upload } from '@aws-sdk/lib-storage';
      const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
      const s3 = new S3({});
      const TABLE = process.env.TABLE_NAME ?? 'fallback';
      export const handler = async () => {
        await doc.send(new GetCommand({ TableName: TABLE, Key: {} }));
        await doc.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: TABLE, Item: {} } }] }));
        await s3.deleteObject({ Bucket: 'b', Key: 'k' });
        for await (const page of paginateListObjectsV2({ client: new S3Client({}) }, { Bucket: 'b' })) void page;
        await new Upload({ client: new S3Client({}), params: { Bucket: 'b', Key: 'k', Body: '' } }).done();
      };`);
    expect(actionsOf(r)).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 's3:DeleteObject', 's3:ListBucket', 's3:PutObject']);
    expect(r.calls[0]).toMatchObject({ targets: [{ env: 'TABLE_NAME' }] });
  });

  test('TypeScript follows relative imports', () => {
    const r = read('js', `import { save } from './store';\nexport const handler = async () => save();`, {
      'store.ts': `import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';\nexport const save = () => new SNSClient({}).send(new PublishCommand({ TopicArn: process.env.TOPIC, Message: 'x' }));`,
    });
    expect(actionsOf(r)).toEqual(['sns:Publish']);
    expect(r.calls[0]!.evidence).toMatchObject({ file: 'store.ts', line: 2 });
  });

  test('Python: clients, resources and tables, presigned URLs, paginators', () => {
    const r = read('python', `
import os
import boto3
TABLE = os.environ['TABLE']
table = boto3.resource('dynamodb').Table(TABLE)
s3 = boto3.client('s3', region_name='eu-west-1')

def handler(event, context):
    table.put_item(Item=event)
    url = s3.generate_presigned_url('get_object', Params={'Bucket': 'b', 'Key': 'k'})
    for page in s3.get_paginator('list_objects_v2').paginate(Bucket='b'):
        pass
    boto3.client('stepfunctions').start_execution(stateMachineArn=os.getenv('SM'), input='{}')
`);
    expect(actionsOf(r)).toEqual(['dynamodb:PutItem', 's3:GetObject', 's3:ListBucket', 'states:StartExecution']);
    expect(r.calls.find((c) => c.service === 'dynamodb')).toMatchObject({ targets: [{ env: 'TABLE' }] });
    expect(r.calls.find((c) => c.service === 's3')).toMatchObject({ explicitRegion: true });
    expect(r.calls.find((c) => c.service === 'states')).toMatchObject({ targets: [{ env: 'SM' }] });
  });

  test('Python: a table handed to a helper is still read, its resource unknown', () => {
    const r = read('python', `
import boto3
dynamodb = boto3.resource('dynamodb')

def save(table, item):
    table.put_item(Item=item)
`);
    expect(actionsOf(r)).toEqual(['dynamodb:PutItem']);
    expect(r.calls[0]!.targets).toEqual([{ unknown: true }]);
  });

  test('code in strings and comments is not read as calls', () => {
    const r = read('python', `import boto3\nsqs = boto3.client('sqs')\n# sqs.delete_queue(QueueUrl=u)\nDOC = """sqs.purge_queue(QueueUrl=u)"""\n`);
    expect(r.calls).toEqual([]);
  });

  test('dynamic calls are reported with their evidence, in both languages', () => {
    const js = read('js', `const AWS = require('aws-sdk');\nconst c = new AWS.S3();\nexports.handler = (e) => c[e.op](e.params).promise();`);
    expect(js.opaque).toMatchObject([{ evidence: { file: 'app.js', line: 3 }, reason: expect.stringContaining('computed') }]);
    const py = read('python', `import boto3\nc = boto3.client('s3')\ndef handler(e, ctx):\n    return getattr(c, e['op'])()\n`);
    expect(py.opaque).toMatchObject([{ evidence: { file: 'app.py', line: 4 }, reason: expect.stringContaining('getattr') }]);
    const passed = read('js', `const AWS = require('aws-sdk');\nconst s3 = new AWS.S3();\nconst lib = require('some-lib');\nlib.sync(s3);`);
    expect(passed.opaque).toMatchObject([{ reason: expect.stringContaining('passes the s3 client on') }]);
  });
});

describe('reading Python: every shape that makes or holds a client', () => {
  const TOPIC = `TopicArn='arn:aws:sns:eu-west-1:123456789012:t', Message='x'`;
  const publishes = (code: string, files: Record<string, string> = {}) => {
    const r = read('python', code, files);
    return { actions: actionsOf(r), opaque: r.opaque.map((o) => o.reason) };
  };

  test('statements separated by `;`, and lines continued with `\\`', () => {
    expect(publishes(`import json; import boto3\nsqs = boto3.client("sqs"); sns = boto3.client("sns")\ndef handler(e, c):\n    sqs.send_message(QueueUrl=u, MessageBody='x')\n    sns.publish(${TOPIC})\n`).actions).toEqual(['sns:Publish', 'sqs:SendMessage']);
    expect(publishes(`import boto3\nsns = \\\n    boto3.client('sns')\nsns.publish(${TOPIC})\n`).actions).toEqual(['sns:Publish']);
  });

  test('factories under other names: from boto3 import client, aliases, sessions, Session().client', () => {
    expect(publishes(`from boto3 import client\nsns = client('sns')\nsns.publish(${TOPIC})\n`).actions).toEqual(['sns:Publish']);
    expect(publishes(`from boto3 import client as make\nsns = make('sns')\nsns.publish(${TOPIC})\n`).actions).toEqual(['sns:Publish']);
    expect(publishes(`import boto3 as b\nsns = b.client('sns')\nsns.publish(${TOPIC})\n`).actions).toEqual(['sns:Publish']);
    expect(publishes(`import boto3\nsession = boto3.session.Session()\nsns = session.client('sns')\nsns.publish(${TOPIC})\n`).actions).toEqual(['sns:Publish']);
    expect(publishes(`import boto3\nlam = boto3.Session(region_name='us-east-1').client('lambda')\nlam.invoke(FunctionName='f')\n`).actions).toEqual(['lambda:InvokeFunction']);
    expect(publishes(`from shared import get_session\nget_session().client('sns').publish(${TOPIC})\n`).actions).toEqual(['sns:Publish']);
  });

  test('one name for several clients, in several functions', () => {
    const r = publishes(`import boto3\ndef a():\n    client = boto3.client('s3')\n    client.list_buckets()\ndef b():\n    client = boto3.client('sns')\n    client.publish(${TOPIC})\n`);
    expect(r).toEqual({ actions: ['s3:ListAllMyBuckets', 'sns:Publish'], opaque: [] });
  });

  test('class attributes, as self.x, cls.x and Class.x', () => {
    expect(publishes(`import boto3\nclass Notifier:\n    sns = boto3.client('sns')\n    def notify(self):\n        self.sns.publish(${TOPIC})\n`).actions).toEqual(['sns:Publish']);
    expect(publishes(`import boto3\nclass Jobs:\n    def __init__(self):\n        self.sqs = boto3.client('sqs')\ndef run():\n    Jobs.sqs.send_message(QueueUrl=u, MessageBody='x')\n`).actions).toEqual(['sqs:SendMessage']);
  });

  test('clients made in a module of the function: from clients import sns, import clients', () => {
    const files = { 'clients.py': `import boto3\nsns = boto3.client('sns')\ntable = boto3.resource('dynamodb').Table('orders')\n` };
    expect(publishes(`from clients import sns\nsns.publish(${TOPIC})\n`, files).actions).toEqual(['sns:Publish']);
    expect(publishes(`import clients\nclients.table.put_item(Item={})\n`, files).actions).toEqual(['dynamodb:PutItem']);
    expect(publishes(`from clients import *\ndef save(item):\n    table.put_item(Item=item)\n`, files).actions).toEqual(['dynamodb:PutItem']);
  });

  test('a client no name holds, or handed on, escapes: every call of its operations counts', () => {
    const shapes = [
      `import boto3\nCLIENTS = {'sqs': boto3.client('sqs'), 'sns': boto3.client('sns')}\nCLIENTS['sns'].publish(${TOPIC})\n`,
      `import boto3\nsqs, sns = boto3.client('sqs'), boto3.client('sns')\nsns.publish(${TOPIC})\n`,
      `import boto3\ndef sns_client():\n    return boto3.client('sns')\nsns_client().publish(${TOPIC})\n`,
      `import boto3\n_sns = None\ndef get_sns():\n    global _sns\n    if _sns is None:\n        _sns = boto3.client('sns')\n    return _sns\nget_sns().publish(${TOPIC})\n`,
      `import boto3\nsns = boto3.client('sns')\nnotifier = sns\nnotifier.publish(${TOPIC})\n`,
      `import boto3\nsns = boto3.client('sns')\ndef notify(client):\n    client.publish(${TOPIC})\nnotify(sns)\n`,
    ];
    for (const code of shapes) expect(publishes(code), code).toEqual({ actions: ['sns:Publish'], opaque: [] });
  });

  test('what nothing escapes to is not taken for a call: requests.get, dict.get, logger.info', () => {
    const r = publishes(`import boto3, requests\ns3 = boto3.resource('s3')\nobj = s3.Object('b', 'k')\ndef handler(e, c):\n    body = obj.get()['Body'].read()\n    d = requests.get('https://example.com').json()\n    return d.get('x')\n`);
    expect(r).toEqual({ actions: ['s3:GetObject'], opaque: [] });
    // An escaped client has no `get()`: that is a resource object's method.
    const client = publishes(`import boto3, requests\ns3 = boto3.client('s3')\ndef handler(e, c):\n    archive(s3, e)\n    return requests.get('https://example.com').json()\n`);
    expect(client).toEqual({ actions: [], opaque: [] });
  });

  test('resource objects: bucket.Object, collections, meta.client, the service resource itself', () => {
    const r = read('python', `import os, boto3\ns3 = boto3.resource('s3')\nbucket = s3.Bucket(os.environ['BUCKET'])\ndynamodb = boto3.resource('dynamodb')\nfor o in bucket.objects.filter(Prefix='in/'):\n    bucket.Object(o.key).get()\ns3.meta.client.upload_file('/tmp/x', 'b', 'k')\ndynamodb.batch_get_item(RequestItems={})\nfor b in s3.buckets.all():\n    pass\n`);
    expect(actionsOf(r)).toEqual(['dynamodb:BatchGetItem', 's3:GetObject', 's3:ListAllMyBuckets', 's3:ListBucket', 's3:PutObject']);
    expect(r.calls.find((c) => c.actions.includes('s3:GetObject'))!.targets).toEqual([{ env: 'BUCKET' }]);
  });

  test('what cannot be read is reported, not dropped', () => {
    const r = publishes(`import boto3\nsqs = boto3.client('sqs')\nCLIENTS = {'s3': boto3.client('s3')}\nec2 = boto3.resource('ec2')\ntable = boto3.resource('dynamodb').Table('t')\ndef handler(e, c):\n    sqs._make_api_call('SendMessage', {})\n    getattr(CLIENTS[e['svc']], e['op'])()\n    ec2.Instance(e['id']).stop()\n    table.wait_until_exists()\n`);
    expect(r.opaque).toEqual([
      'calls a client method whose name is computed at run time (getattr)',
      'calls _make_api_call on a boto3 sqs client, which stackfix cannot map to IAM actions',
      'calls Instance on a boto3 ec2 resource, which stackfix cannot map to IAM actions',
      'waits with a waiter, whose operations stackfix does not map',
    ]);
  });
});

describe('reading JavaScript: clients that leave the variable that made them', () => {
  test('clients exported by a module of the function are known where they are imported', () => {
    const cjs = { 'clients.js': `const AWS = require('aws-sdk');\nconst db = new AWS.DynamoDB.DocumentClient();\nmodule.exports = { db };\nmodule.exports.s3 = new AWS.S3();` };
    const r = read('js', `const { db } = require('./clients');\nconst clients = require('./clients');\nexports.handler = async (e) => {\n  await db.put({ TableName: process.env.TABLE, Item: e }).promise();\n  await clients.s3.getObject({ Bucket: 'b', Key: 'k' }).promise();\n};`, cjs);
    expect(actionsOf(r)).toEqual(['dynamodb:PutItem', 's3:GetObject']);
    expect(r.opaque).toEqual([]);
    const esm = { 'clients.mjs': `import { SNS } from '@aws-sdk/client-sns';\nexport const sns = new SNS({});` };
    const m = read('js', `import * as c from './clients.mjs';\nexport const handler = () => c.sns.publish({ TopicArn: process.env.T, Message: 'x' });`, esm);
    expect(actionsOf(m)).toEqual(['sns:Publish']);
  });

  test('a client no variable holds, or an object holding one handed on, is reported', () => {
    const r = read('js', `const AWS = require('aws-sdk');\nconst clients = { sns: new AWS.SNS() };\nconst ctx = {};\nctx.s3 = new AWS.S3();\nwork(ctx);\nfunction lambda() { return new AWS.Lambda(); }`);
    expect(r.opaque.map((o) => o.reason)).toEqual([
      'makes a client for sns that no variable holds; calls made through it are not visible',
      'makes a client for lambda that no variable holds; calls made through it are not visible',
      'passes ctx, which holds the ctx.s3 client, on; calls made through it elsewhere are not visible',
    ]);
  });

  test('X-Ray wrappers and require(...).Class hand the SDK through', () => {
    const r = read('js', `const AWSXRay = require('aws-xray-sdk-core');\nconst AWS = AWSXRay.captureAWS(require('aws-sdk'));\nconst S3 = require('aws-sdk').S3;\nconst s3 = AWSXRay.captureAWSClient(new S3());\nexports.handler = async () => {\n  await new AWS.SNS().publish({ TopicArn: process.env.T, Message: 'x' }).promise();\n  await s3.getObject({ Bucket: 'b', Key: 'k' }).promise();\n};`);
    expect(actionsOf(r)).toEqual(['s3:GetObject', 'sns:Publish']);
    expect(r.opaque).toEqual([]);
    const hidden = read('js', `const sdk = instrument(require('aws-sdk'));`);
    expect(hidden.opaque.map((o) => o.reason)).toEqual(["loads aws-sdk where no variable holds it; clients made from it are not visible"]);
  });

  test('new DynamoDB.DocumentClient() with DynamoDB imported by name', () => {
    const r = read('js', `import { DynamoDB } from 'aws-sdk';\nclass Repo {\n  private db = new DynamoDB.DocumentClient();\n  save(item: object) { return this.db.put({ TableName: process.env.TABLE!, Item: item }).promise(); }\n}\nexport const handler = (e: object) => new Repo().save(e);`);
    expect(actionsOf(r)).toEqual(['dynamodb:PutItem']);
  });
});

describe('IAM reference: required and optional resource types', () => {
  test('a type is required when every request names one', () => {
    expect(resourceTypesOf('dynamodb:Query')).toEqual(['index', 'table']);
    expect(requiresResource('dynamodb:PutItem')).toBe(true);
    expect(requiresResource('cloudwatch:PutMetricData')).toBe(false);
    expect(resourceTypesOf('cloudwatch:PutMetricData')).toEqual(['dataset']);
    expect(requiresResource('xray:PutTraceSegments')).toBe(false);
  });
});

describe('CDK grants: the narrowest grant methods that cover what the code calls', () => {
  const methodsOf = (module: string) => grantConstructs.find((c) => c.module === module)!.methods;
  const pick = (module: string, needed: string[]) => narrowestGrants(methodsOf(module), needed)?.map((m) => m.name);

  test('one method when one covers it', () => {
    expect(pick('aws-dynamodb', ['dynamodb:Query', 'dynamodb:GetItem'])).toEqual(['grantReadData']);
    expect(pick('aws-dynamodb', ['dynamodb:PutItem'])).toEqual(['grantWriteData']);
    expect(pick('aws-dynamodb', ['dynamodb:GetItem', 'dynamodb:PutItem'])).toEqual(['grantReadWriteData']);
    expect(pick('aws-s3', ['s3:PutObject'])).toEqual(['grantPut']);
    expect(pick('aws-sqs', ['sqs:SendMessage'])).toEqual(['grantSendMessages']);
  });

  test('two methods when together they allow less than the one that covers both', () => {
    expect(pick('aws-s3', ['s3:GetObject', 's3:PutObject'])).toEqual(['grantRead', 'grantPut']);
    expect(pick('aws-sqs', ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:SendMessage'])).toEqual(['grantSendMessages', 'grantConsumeMessages']);
  });

  test('nothing needed: no grant; only full access covers it: full access', () => {
    expect(pick('aws-dynamodb', [])).toEqual([]);
    expect(pick('aws-dynamodb', ['dynamodb:CreateBackup'])).toEqual(['grantFullAccess']);
    expect(pick('aws-sns', ['sns:CreateTopic'])).toBeUndefined();
  });

  const FIXTURES = path.join(import.meta.dirname, 'fixtures');
  const run = (name: string, options: Record<string, unknown>) =>
    runOne('iam-scope', path.join(FIXTURES, name), 'input.ts', readFileSync(path.join(FIXTURES, name, 'input.ts'), 'utf8'), options);

  test('cdkGrants: broad leaves grants that allow no service:* alone', async () => {
    const crud = await run('cdk-grant-crud-nodejs', { cdkGrants: 'broad' });
    expect(crud.findings).toEqual([]);
    const full = await run('cdk-grant-full-access-python', { cdkGrants: 'broad' });
    expect(full.findings.map((f) => f.constructPath)).toEqual(['ReportsStack/ReportFunction (orders.grantFullAccess)', 'ReportsStack/ReportFunction (jobs.grant)']);
    expect(full.output).toContain('templates.grantReadWrite(reportFn);');
  });

  test('cdkGrants: off leaves every grant alone', async () => {
    const result = await run('cdk-grant-full-access-python', { cdkGrants: 'off' });
    expect(result.findings).toEqual([]);
  });
});

/*
 * Every corpus template whose MANIFEST row lists iam-scope, and every one where the judge finds an
 * iam-scope or iam-resource-star failure on a Lambda role: scoped, or reported with a reason.
 * The MANIFEST label is file-level and covers any Allow `*` (KMS key policies, ECS task roles, an S3
 * replication role, actions without resource types): in those files there is nothing of a Lambda role
 * to scope, and the transform must leave them alone.
 */
const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus/cfn');
const LAMBDA_ROLE_FAILURES = [
  'cfn-samples__modules__ACMCertNotifyExpiry__fragments__notify-cert-expiry.json',
  'cfn-templates__AWSSupplyChain__SapPrivateLink__SapPrivateLinkNoHostedZone.json',
  'cfn-templates__Config__Config.yaml',
  'cfn-templates__Lambda__LambdaSample.json',
  'serverless-patterns__apigw-kinesis-lambda-ddb__template.yaml',
  'serverless-patterns__cloudtrail-lambda-slack-sam__template.yml',
  'serverless-patterns__lambda-microvms-kiro-code-reviewer__template.yaml',
  'serverless-patterns__s3-object-lambda__template.yaml',
  'serverless-samples__das-lambda-java-sam__setup-das-cfn.yaml',
];
const NOT_LAMBDA_ROLES = [
  'cfn-templates__ECS__FargateLaunchType__clusters__private-vpc.yaml',
  'cfn-templates__Solutions__S3CrossAccountReplicationWithKMS__templates__source.yaml',
  'serverless-patterns__apigw-lambda-observability__template.yaml',
  'serverless-patterns__route53-alb-s3__template.yaml',
  'serverless-samples__serverless-rest-api__python-rest-sam__template.yaml',
];

describe('iam-scope on the corpus', () => {
  test('the lists cover every MANIFEST row labelled iam-scope', () => {
    const rows = readFileSync(path.join(CORPUS, '..', 'MANIFEST.tsv'), 'utf8').trim().split('\n');
    const header = rows[0]!.split('\t');
    const [file, ids] = [header.indexOf('local_file'), header.indexOf('stackfix_ids')];
    const labelled = rows.slice(1).map((r) => r.split('\t')).filter((c) => c[ids]!.split(',').includes('iam-scope') && c[file] !== '-').map((c) => path.basename(c[file]!));
    expect(labelled.filter((f) => !LAMBDA_ROLE_FAILURES.includes(f) && !NOT_LAMBDA_ROLES.includes(f))).toEqual([]);
  });

  for (const name of LAMBDA_ROLE_FAILURES) {
    test(`scopes or reports ${name}`, async () => {
      const text = readFileSync(path.join(CORPUS, name), 'utf8');
      const first = await runOne('iam-scope', CORPUS, name, text);
      expect(first.errors).toEqual([]);
      const acted = first.findings.filter((f) => f.status === 'fixed' || (f.status === 'manual' && f.reason));
      expect(acted.length).toBeGreaterThan(0);
      const second = await runOne('iam-scope', CORPUS, name, first.output);
      expect(second.output).toBe(first.output);
      expect(second.findings.filter((f) => f.status === 'fixed')).toEqual([]);
    });
  }

  for (const name of NOT_LAMBDA_ROLES) {
    test(`leaves ${name} alone (no Lambda role grants too much)`, async () => {
      const text = readFileSync(path.join(CORPUS, name), 'utf8');
      const result = await runOne('iam-scope', CORPUS, name, text);
      expect(result.errors).toEqual([]);
      expect(result.findings).toEqual([]);
      expect(result.output).toBe(text);
    });
  }
});
