import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CfnDocument, isPlainObject, type Json, type Template } from '../../src/document/cfn/index.js';
import { toSourceText } from '../../src/document/source.js';
import { DependencyGraph, subVariables } from './graph.js';

const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus/cfn');

function parse(text: string, name = 't.yaml'): Template {
  return CfnDocument.parse(toSourceText(name, text), { allowDuplicateKeys: true }).template;
}

/**
 * An independent, deliberately plain walk: every `Ref`, `Fn::GetAtt`, name in a `Fn::Sub` string,
 * `DependsOn` entry and condition name in Resources, Outputs and Conditions, as `section:from->to:kind`.
 */
function plainWalk(template: Template): string[] {
  const found: string[] = [];
  const sectionOf = (name: string) => (isPlainObject(template[name]) ? Object.entries(template[name] as Record<string, Json>) : []);
  for (const section of ['Resources', 'Outputs', 'Conditions']) {
    for (const [id, entry] of sectionOf(section)) {
      if (section === 'Resources' && !(isPlainObject(entry) && typeof entry.Type === 'string')) continue;
      const note = (to: string, kind: string) => found.push(`${section}:${id}->${to}:${kind}`);
      const visit = (node: Json): void => {
        if (Array.isArray(node)) return node.forEach(visit);
        if (!isPlainObject(node)) return;
        const keys = Object.keys(node);
        const [key] = keys;
        const arg = key === undefined ? undefined : node[key];
        if (keys.length === 1 && key === 'Ref' && typeof arg === 'string') return void (arg.startsWith('AWS::') || note(arg, 'Ref'));
        if (keys.length === 1 && key === 'Condition' && section === 'Conditions' && typeof arg === 'string') return void note(arg, 'Condition');
        if (keys.length === 1 && key === 'Fn::GetAtt') {
          if (typeof arg === 'string') return void note(arg.split('.')[0]!, 'GetAtt');
          if (Array.isArray(arg)) {
            note(String(arg[0]), 'GetAtt');
            return arg.slice(1).forEach(visit);
          }
        }
        if (keys.length === 1 && key === 'Fn::Sub') {
          const [text, vars] = Array.isArray(arg) ? arg : [arg, undefined];
          const locals = isPlainObject(vars) ? Object.keys(vars) : [];
          if (typeof text === 'string') {
            for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
              const inner = m[1]!.trim();
              if (inner.startsWith('!') || inner.includes('::') || inner === '') continue;
              const name = inner.split('.')[0]!;
              if (!locals.includes(name)) note(name, 'Sub');
            }
          } else if (text !== undefined) visit(text);
          if (vars !== undefined) visit(vars);
          return;
        }
        if (keys.length === 1 && key === 'Fn::If' && Array.isArray(arg)) {
          if (typeof arg[0] === 'string') note(arg[0], 'Condition');
          return arg.slice(1).forEach(visit);
        }
        for (const value of Object.values(node)) visit(value);
      };
      if (section === 'Conditions') {
        visit(entry);
        continue;
      }
      const record = entry as Record<string, Json>;
      const dependsOn = record.DependsOn;
      for (const to of Array.isArray(dependsOn) ? dependsOn : dependsOn === undefined ? [] : [dependsOn]) note(String(to), 'DependsOn');
      if (typeof record.Condition === 'string') note(record.Condition, 'Condition');
      for (const [key, value] of Object.entries(record)) {
        if (!['Type', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy'].includes(key)) visit(value);
      }
    }
  }
  return found.sort();
}

function graphEdges(template: Template): string[] {
  return new DependencyGraph(template).edges.map((e) => `${e.section}:${e.from}->${e.to}:${e.kind}`).sort();
}

describe('dependency graph', () => {
  test('its edges equal the references of a plain walk, on every corpus template', () => {
    let checked = 0;
    let total = 0;
    for (const file of readdirSync(CORPUS)) {
      let template: Template;
      try {
        template = parse(readFileSync(path.join(CORPUS, file), 'utf8'), file);
      } catch {
        continue; // the one corpus file that is not valid YAML
      }
      const edges = graphEdges(template);
      expect(edges, file).toEqual(plainWalk(template));
      checked++;
      total += edges.length;
    }
    expect(checked).toBeGreaterThanOrEqual(26);
    expect(total).toBeGreaterThan(900);
  });

  test('every intrinsic form', () => {
    const template = parse(`
Parameters:
  Env: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsProdAndEast: !And [!Condition IsProd, !Equals [!Ref 'AWS::Region', us-east-1]]
Resources:
  Table: { Type: AWS::DynamoDB::Table }
  Fn:
    Type: AWS::Lambda::Function
    Condition: IsProd
    DependsOn: Table
    Properties:
      Role: !GetAtt Role.Arn
      Name: !Sub '\${AWS::StackName}-\${Env}-\${!NotAName}'
      Desc: !Sub ['\${Local} on \${Table.Arn}', { Local: !Ref Queue }]
      Long: { 'Fn::GetAtt': 'Bucket.DomainName' }
      Pick: !If [IsProd, !Ref Topic, !Ref 'AWS::NoValue']
  Role: { Type: AWS::IAM::Role, DependsOn: [Table, Bucket] }
  Bucket: { Type: AWS::S3::Bucket }
  Queue: { Type: AWS::SQS::Queue }
  Topic: { Type: AWS::SNS::Topic }
Outputs:
  Arn:
    Condition: IsProd
    Value: !GetAtt [Fn, Arn]
`);
    const graph = new DependencyGraph(template);
    const describeEdge = (e: (typeof graph.edges)[number]) => `${e.from}->${e.to}:${e.kind}${e.attribute ? `.${e.attribute}` : ''}${e.underIf ? ' (if)' : ''}`;
    expect(graph.edges.map(describeEdge)).toEqual([
      'Fn->Table:DependsOn',
      'Fn->IsProd:Condition',
      'Fn->Role:GetAtt.Arn',
      'Fn->Env:Sub',
      'Fn->Table:Sub.Arn',
      'Fn->Queue:Ref',
      'Fn->Bucket:GetAtt.DomainName',
      'Fn->IsProd:Condition',
      'Fn->Topic:Ref (if)',
      'Role->Table:DependsOn',
      'Role->Bucket:DependsOn',
      'Arn->IsProd:Condition',
      'Arn->Fn:GetAtt.Arn',
      'IsProd->Env:Ref',
      'IsProdAndEast->IsProd:Condition',
    ]);
    // Only resources order resources, and only for sure outside Fn::If.
    expect([...graph.dependenciesOf('Fn')].sort()).toEqual(['Bucket', 'Queue', 'Role', 'Table']);
    expect(graph.dependenciesOf('Fn', { anyBranch: true }).has('Topic')).toBe(true);
    expect(graph.edges.find((e) => e.kind === 'Sub' && e.to === 'Env')?.pointer).toBe('/Resources/Fn/Properties/Name/Fn::Sub');
  });

  test('Sub variables: escapes, attributes, pseudo parameters', () => {
    expect(subVariables('${A}-${!B}-${C.D.E}-${AWS::Region}-${ F }')).toEqual([
      { name: 'A' },
      { name: 'C', attribute: 'D.E' },
      { name: 'AWS::Region' },
      { name: 'F' },
    ]);
  });

  test('SAM function events do not order the function', () => {
    const template = parse(`
Transform: AWS::Serverless-2016-10-31
Resources:
  Stream: { Type: AWS::Kinesis::Stream }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        S: { Type: Kinesis, Properties: { Stream: !GetAtt Stream.Arn } }
`);
    const graph = new DependencyGraph(template);
    expect(graph.edges.some((e) => e.to === 'Stream' && e.samEvent)).toBe(true);
    expect(graph.isOrderedAfter('Fn', 'Stream')).toBe(false);
  });

  test('cycles, self-dependencies and planned edges', () => {
    const template = parse(`
Resources:
  A: { Type: AWS::SNS::Topic, DependsOn: B }
  B: { Type: AWS::SNS::Topic, Properties: { X: !Ref A } }
  C: { Type: AWS::SNS::Topic, DependsOn: C }
  D: { Type: AWS::SNS::Topic }
`);
    const graph = new DependencyGraph(template);
    expect(graph.cycles()).toEqual([['A', 'B'], ['C']]);
    expect(graph.wouldCycle('D', 'D')).toBe(true);
    graph.plan('D', 'A');
    expect(graph.isOrderedAfter('D', 'B')).toBe(true);
    graph.unplan('D', 'A');
    expect(graph.isOrderedAfter('D', 'B')).toBe(false);
  });
});
