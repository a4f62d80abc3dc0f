/**
 * --verify: a CDK patch that breaks the build is refused and nothing is written; one that compiles
 * is kept. The project lives inside the repository so that aws-cdk-lib resolves from node_modules.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fix } from '../src/api.js';
import type { Transform } from '../src/transform.js';

const DIR = path.resolve(import.meta.dirname, `.tmp-verify-${process.pid}`);
const STACK = `import { Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export class AlertsStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new sns.Topic(this, 'Alerts', {
      displayName: 'alerts',
    });
  }
}
`;

function setTopicProp(name: string, value: string): Transform {
  return {
    meta: { id: `set-${name}`, title: '', failure: '', docsUrl: '', seeAlso: [], options: {} },
    cdk: {
      detect(source) {
        return source
          .findConstructs('aws-sns', 'Topic')
          .filter((topic) => topic.getProp(name) === undefined)
          .map((topic) => ({ node: topic.expression, message: `set ${name}`, fix: () => topic.setProp(name, value) }));
      },
    },
  };
}

beforeAll(() => {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(path.join(DIR, 'stack.ts'), STACK);
  writeFileSync(path.join(DIR, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', skipLibCheck: true, noEmit: true } }));
});
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

test('a patch that does not type-check is refused, one that does is written', async () => {
  const broken = await fix({ root: DIR, configFile: false, only: ['set-colour'], extraTransforms: [setTopicProp('colour', "'blue'")], verify: true, write: true });
  expect(broken.files[0]!.errors[0]!.message).toMatch(/does not type-check \(TS2353: Object literal may only specify known properties, and 'colour' does not exist/);
  expect(readFileSync(path.join(DIR, 'stack.ts'), 'utf8')).toBe(STACK);

  const good = await fix({ root: DIR, configFile: false, only: ['set-fifo'], extraTransforms: [setTopicProp('fifo', 'true')], verify: true, write: true });
  expect(good.files[0]!.errors).toEqual([]);
  expect(readFileSync(path.join(DIR, 'stack.ts'), 'utf8')).toContain("displayName: 'alerts',\n      fifo: true,");
}, 120_000);
