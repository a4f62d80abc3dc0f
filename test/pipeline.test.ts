/**
 * The pipeline's own guarantees, with small transforms written here: a fix that would make the
 * template invalid is not applied, fixes that do not converge are an error, a fix whose operations
 * no longer apply is reported instead of forced.
 */
import { describe, expect, test } from 'vitest';
import { pointer } from '../src/document/pointer.js';
import { toSourceText } from '../src/document/source.js';
import { runFile } from '../src/pipeline/run-file.js';
import type { PreparedTransform } from '../src/pipeline/types.js';
import type { CfnFindingInput, Transform } from '../src/transform.js';

const TEMPLATE = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: t\n';

function transform(id: string, detect: (template: any) => CfnFindingInput[]): PreparedTransform {
  const t: Transform = { meta: { id, title: id, failure: '', docsUrl: '', seeAlso: [], options: {} }, cfn: { detect } };
  return { transform: t, options: {} };
}

async function run(text: string, transforms: PreparedTransform[]) {
  const [result] = await runFile([toSourceText('t.yaml', text)], transforms, { root: '/nonexistent-root' });
  return result!;
}

describe('pipeline', () => {
  test('a fix that adds a property the specification does not know is refused, the others apply', async () => {
    const bad = transform('bad', () => [
      { pointer: '/Resources/Topic', message: 'm', fix: [{ op: 'add', path: pointer('Resources', 'Topic', 'Properties', 'Colour'), value: 'blue' }] },
    ]);
    const good = transform('good', (t) =>
      t.Resources.Topic.Properties.DisplayName ? [] : [{ pointer: '/Resources/Topic', message: 'm', fix: [{ op: 'add', path: '/Resources/Topic/Properties/DisplayName', value: 'Alerts' }] }],
    );
    const result = await run(TEMPLATE, [bad, good]);
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => [f.transformId, f.status])).toEqual([
      ['bad', 'manual'],
      ['good', 'fixed'],
    ]);
    expect(result.findings[0]!.reason).toMatch(/would make the template invalid \(\/Resources\/Topic\/Properties\/Colour: AWS::SNS::Topic has no property Colour\)/);
    expect(result.output).toBe(TEMPLATE + '      DisplayName: Alerts\n');
  });

  test('a fix that points at a resource that does not exist is refused', async () => {
    const dangling = transform('dangling', () => [
      { pointer: '/Resources/Topic', message: 'm', fix: [{ op: 'add', path: '/Resources/Topic/DependsOn', value: 'Nothing' }] },
    ]);
    const result = await run(TEMPLATE, [dangling]);
    expect(result.findings[0]).toMatchObject({ status: 'manual' });
    expect(result.findings[0]!.reason).toMatch(/DependsOn "Nothing" names no resource/);
    expect(result.changed).toBe(false);
  });

  test('a fix whose finding keeps coming back is taken back and reported, not looped on', async () => {
    let n = 0;
    const restless = transform('restless', () => [
      { pointer: '/Resources/Topic', message: 'm', messageId: 'rename', fix: [{ op: 'replace', path: '/Resources/Topic/Properties/TopicName', value: `t${++n}` }] },
    ]);
    const result = await run(TEMPLATE, [restless]);
    expect(result.errors).toEqual([]);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ status: 'manual', reason: expect.stringMatching(/did not hold/) });
    expect(result.output).toBe(TEMPLATE);
  });

  test('two transforms that undo each other: the first is dropped and reported, the second stands', async () => {
    const setName = (id: string, value: string) =>
      transform(id, (t) =>
        t.Resources.Topic.Properties.TopicName === value
          ? []
          : [{ pointer: '/Resources/Topic/Properties/TopicName', message: `name ${value}`, messageId: 'name', fix: [{ op: 'replace', path: '/Resources/Topic/Properties/TopicName', value }] }],
      );
    const result = await run(TEMPLATE, [setName('first', 'one'), setName('second', 'two')]);
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => [f.transformId, f.status])).toEqual([
      ['first', 'manual'],
      ['second', 'fixed'],
    ]);
    expect(result.output).toBe(TEMPLATE.replace('TopicName: t', 'TopicName: two'));
  });

  test('a fix that makes another transform report a problem on the resource it creates is dropped and reported', async () => {
    const addQueue = transform('adds-queue', (t) =>
      t.Resources.Dlq ? [] : [{ pointer: '/Resources/Topic', message: 'needs a queue', fix: [{ op: 'add', path: '/Resources/Dlq', value: { Type: 'AWS::SQS::Queue' } }] }],
    );
    const queueCritic = transform('queue-critic', (t) =>
      Object.entries(t.Resources as Record<string, { Type: string }>)
        .filter(([, r]) => r.Type === 'AWS::SQS::Queue')
        .map(([id]) => ({ pointer: `/Resources/${id}`, message: 'queue not encrypted', manual: 'no key to encrypt it with' })),
    );
    const result = await run(TEMPLATE, [addQueue, queueCritic]);
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => [f.transformId, f.status])).toEqual([['adds-queue', 'manual']]);
    expect(result.findings[0]!.reason).toBe('it made queue-critic report a problem on Dlq ("queue not encrypted"); a fix must not leave a new one behind');
    expect(result.output).toBe(TEMPLATE);
  });

  test('a needs-review finding that appears on a resource after another transform changed it drops that change', async () => {
    const critic = transform('critic', (t) =>
      t.Resources.Topic.Properties.DisplayName ? [{ pointer: '/Resources/Topic/Properties/DisplayName', message: 'display names leak', manual: 'remove it by hand' }] : [],
    );
    const namer = transform('namer', (t) =>
      t.Resources.Topic.Properties.DisplayName ? [] : [{ pointer: '/Resources/Topic', message: 'no display name', fix: [{ op: 'add', path: '/Resources/Topic/Properties/DisplayName', value: 'Alerts' }] }],
    );
    // critic looks first (nothing to say), namer fixes, critic's next look finds a new problem there.
    const result = await run(TEMPLATE, [critic, namer]);
    expect(result.findings.map((f) => [f.transformId, f.status])).toEqual([['namer', 'manual']]);
    expect(result.findings[0]!.reason).toMatch(/^it made critic report a problem on Topic \("display names leak"\)/);
    expect(result.output).toBe(TEMPLATE);
    // The same problem present from the start is the critic's finding, and the other fix stands.
    const withName = TEMPLATE + '      DisplayName: Old\n';
    const stands = await run(withName, [critic, transform('retitle', (t) =>
      t.Resources.Topic.Properties.TopicName === 'u' ? [] : [{ pointer: '/Resources/Topic', message: 'rename', fix: [{ op: 'replace', path: '/Resources/Topic/Properties/TopicName', value: 'u' }] }],
    )]);
    expect(stands.findings.map((f) => [f.transformId, f.status])).toEqual([['critic', 'manual'], ['retitle', 'fixed']]);
  });

  test('what a transform says about its own fixed result does not undo that fix', async () => {
    const selfAware = transform('self-aware', (t) =>
      t.Resources.Topic.Properties.DisplayName
        ? [{ pointer: '/Resources/Topic', message: 'check the display name', manual: 'chosen by default' }]
        : [{ pointer: '/Resources/Topic', message: 'no display name', fix: [{ op: 'add', path: '/Resources/Topic/Properties/DisplayName', value: 'Alerts' }] }],
    );
    const result = await run(TEMPLATE, [selfAware]);
    expect(result.findings.map((f) => [f.transformId, f.status])).toEqual([['self-aware', 'fixed'], ['self-aware', 'manual']]);
    expect(result.output).toBe(TEMPLATE + '      DisplayName: Alerts\n');
  });

  test('fixes that never reach a fixed point are an error for the file, and nothing is written', async () => {
    let n = 0;
    const sprawling = transform('sprawling', () => [
      { pointer: '/Resources/Topic', message: 'm', messageId: `tag${n}`, fix: [{ op: 'add', path: `/Resources/T${++n}`, value: { Type: 'AWS::SNS::Topic' } }] },
    ]);
    const result = await run(TEMPLATE, [sprawling]);
    expect(result.errors[0]).toMatchObject({ code: 'engine', message: expect.stringMatching(/did not converge/) });
    expect(result.output).toBe(TEMPLATE);
  });

  test('a stale fix (its test op fails) is reported, not forced', async () => {
    const first = transform('first', (t) =>
      t.Resources.Topic.Properties.TopicName === 't' ? [{ pointer: '/Resources/Topic', message: 'm', fix: [{ op: 'replace', path: '/Resources/Topic/Properties/TopicName', value: 'u' }] }] : [],
    );
    const stale = transform('stale', () => [
      { pointer: '/Resources/Topic', message: 'm', fix: [{ op: 'test', path: '/Resources/Topic/Properties/TopicName', value: 'other' }, { op: 'add', path: '/Resources/Topic/Properties/DisplayName', value: 'x' }] },
    ]);
    const result = await run(TEMPLATE, [first, stale]);
    expect(result.findings.find((f) => f.transformId === 'stale')).toMatchObject({ status: 'manual', reason: expect.stringMatching(/did not apply/) });
    expect(result.output).toBe(TEMPLATE.replace('TopicName: t', 'TopicName: u'));
  });

  test('a transform that throws is an error for its file only', async () => {
    const broken = transform('broken', () => {
      throw new Error('boom');
    });
    const [a, b] = await runFile([toSourceText('a.yaml', TEMPLATE), toSourceText('b.json', '{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}')], [broken], { root: '/x' });
    expect(a!.errors[0]).toMatchObject({ code: 'transform', message: 'transform broken failed: boom', file: 'a.yaml' });
    expect(b!.errors[0]).toMatchObject({ file: 'b.json' });
  });
});
