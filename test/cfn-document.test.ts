import { describe, expect, test } from 'vitest';
import type { Operation } from 'fast-json-patch';
import { CfnDocument } from '../src/document/cfn/index.js';
import { toSourceText } from '../src/document/source.js';

/** Strip the common indentation of a template literal (yaml's `source` tag, in small). */
function src(strings: TemplateStringsArray): string {
  const text = strings.join('').replace(/^\n/, '');
  const indent = Math.min(...text.split('\n').filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return text
    .split('\n')
    .map((l) => l.slice(indent))
    .join('\n');
}

function patch(text: string, ops: Operation[], path = 'template.yaml'): string {
  const doc = CfnDocument.parse(toSourceText(path, text));
  doc.applyOps(ops);
  return doc.print();
}

const PITR: Operation = {
  op: 'add',
  path: '/Resources/Table/Properties/PointInTimeRecoverySpecification',
  value: { PointInTimeRecoveryEnabled: true },
};

describe('YAML splicing', () => {
  test('adds a key at the end of a block map, keeping comments, quotes and tags', () => {
    const input = src`
      AWSTemplateFormatVersion: "2010-09-09" # version
      Resources:
        # the table
        Table:
          Type: AWS::DynamoDB::Table
          Properties:
            TableName: !Sub '\${AWS::StackName}-t'  # name
        Other:
          Type: AWS::SNS::Topic
    `;
    expect(patch(input, [PITR])).toBe(src`
      AWSTemplateFormatVersion: "2010-09-09" # version
      Resources:
        # the table
        Table:
          Type: AWS::DynamoDB::Table
          Properties:
            TableName: !Sub '\${AWS::StackName}-t'  # name
            PointInTimeRecoverySpecification:
              PointInTimeRecoveryEnabled: true
        Other:
          Type: AWS::SNS::Topic
    `);
  });

  test('follows the file: 4-space indent, flush sequences, double quotes, long-form intrinsics', () => {
    const input = src`
      Resources:
          Fn:
              Type: AWS::Lambda::Function
              Properties:
                  Role:
                      Fn::GetAtt: [Role, Arn]
                  Layers:
                  - "arn:aws:lambda:x"
    `;
    const out = patch(input, [
      { op: 'add', path: '/Resources/Fn/Properties/Environment', value: { Variables: { TABLE: { Ref: 'Table' }, FLAG: 'yes' } } },
      { op: 'add', path: '/Resources/Fn/Properties/Tags', value: [{ Key: 'a', Value: '1' }] },
    ]);
    expect(out).toBe(src`
      Resources:
          Fn:
              Type: AWS::Lambda::Function
              Properties:
                  Role:
                      Fn::GetAtt: [Role, Arn]
                  Layers:
                  - "arn:aws:lambda:x"
                  Environment:
                      Variables:
                          TABLE:
                              Ref: Table
                          FLAG: "yes"
                  Tags:
                  - Key: a
                    Value: "1"
    `);
  });

  test('writes short forms where the file uses them, and never stacks two tags', () => {
    const input = 'Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Ref Name\n';
    const out = patch(input, [
      { op: 'add', path: '/Resources/A/Properties/X', value: { 'Fn::GetAtt': ['B', 'Arn'] } },
      { op: 'add', path: '/Resources/A/Properties/Y', value: { 'Fn::Base64': { 'Fn::Sub': 'echo ${AWS::Region}' } } },
      { op: 'add', path: '/Resources/A/Properties/Z', value: { 'Fn::Join': ['', ['a', { Ref: 'B' }]] } },
    ]);
    expect(out).toBe(
      'Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Ref Name\n' +
        '      X: !GetAtt B.Arn\n      Y:\n        Fn::Base64: !Sub echo ${AWS::Region}\n      Z: !Join\n        - \'\'\n        - - a\n          - !Ref B\n',
    );
  });

  test('appends to block and flow sequences, replaces scalars in place', () => {
    const input = src`
      Resources:
        R:
          Type: AWS::IAM::Role
          Properties:
            ManagedPolicyArns:
              - arn:a   # first
            Tags: [{Key: a, Value: b}]
            Path: /x/
    `;
    const out = patch(input, [
      { op: 'add', path: '/Resources/R/Properties/ManagedPolicyArns/-', value: 'arn:b' },
      { op: 'add', path: '/Resources/R/Properties/Tags/-', value: { Key: 'c', Value: 'd' } },
      { op: 'replace', path: '/Resources/R/Properties/Path', value: '/y/' },
    ]);
    expect(out).toBe(src`
      Resources:
        R:
          Type: AWS::IAM::Role
          Properties:
            ManagedPolicyArns:
              - arn:a   # first
              - arn:b
            Tags: [{Key: a, Value: b}, {Key: c, Value: d}]
            Path: /y/
    `);
  });

  test('removing the last item of a list and adding a key after it do not collide', () => {
    const input = 'R:\n  P:\n    Arns:\n      - a\n      - b\nNext: 1\n';
    const out = patch(input, [
      { op: 'replace', path: '/R/P/Arns', value: ['a'] },
      { op: 'add', path: '/R/P/Policies', value: [{ Name: 'x' }] },
    ]);
    expect(out).toBe('R:\n  P:\n    Arns:\n      - a\n    Policies:\n      - Name: x\nNext: 1\n');
  });

  test('one list item becoming three keeps the comments around the list', () => {
    const input = 'S:\n  # allow\n  - Effect: Allow # broad\n    Action: "*"\n  # deny stays\n  - Effect: Deny\n    Action: "*"\n';
    const out = patch(input, [
      {
        op: 'replace',
        path: '/S',
        value: [{ Effect: 'Allow', Action: 's3:GetObject' }, { Effect: 'Allow', Action: 'sqs:SendMessage' }, { Effect: 'Deny', Action: '*' }],
      },
    ]);
    expect(out).toBe(
      'S:\n  # allow\n  - Effect: Allow # broad\n    Action: s3:GetObject\n  - Effect: Allow\n    Action: sqs:SendMessage\n  # deny stays\n  - Effect: Deny\n    Action: "*"\n',
    );
  });

  test('a key replaced by another keeps the rest of the map as it is', () => {
    const input = 'F:\n    Properties:\n            # the code\n            InlineCode: x\n            Runtime: python3.12\n';
    expect(patch(input, [{ op: 'remove', path: '/F/Properties/InlineCode' }, { op: 'add', path: '/F/Properties/CodeUri', value: 'functions/F' }])).toBe(
      'F:\n    Properties:\n            # the code\n            Runtime: python3.12\n            CodeUri: functions/F\n',
    );
    expect(patch(input, [{ op: 'remove', path: '/F/Properties/Runtime' }, { op: 'add', path: '/F/Properties/CodeUri', value: 'functions/F' }])).toBe(
      'F:\n    Properties:\n            # the code\n            InlineCode: x\n            CodeUri: functions/F\n',
    );
  });

  test('removes a pair with its line only', () => {
    const input = 'A:\n  b: 1 # keep? no\n  c: 2\n# tail\n';
    expect(patch(input, [{ op: 'remove', path: '/A/b' }])).toBe('A:\n  c: 2\n# tail\n');
  });

  test('replaces a scalar by a block map on the following lines', () => {
    const input = 'A:\n  b: x\n  c: 2\n';
    expect(patch(input, [{ op: 'replace', path: '/A/b', value: { d: 1 } }])).toBe('A:\n  b:\n    d: 1\n  c: 2\n');
  });

  test('edits inside a short-form collection keep the tag', () => {
    const input = 'A: !Join\n  - ""\n  - - a\n    - b\n';
    expect(patch(input, [{ op: 'add', path: '/A/Fn::Join/1/-', value: 'c' }])).toBe('A: !Join\n  - ""\n  - - a\n    - b\n    - c\n');
  });

  test('re-writing the argument of a short form whole keeps the function', () => {
    const input = "L: !If [C, ['*'], ['https://example.com']]\n";
    expect(patch(input, [{ op: 'replace', path: '/L/Fn::If/1/0', value: 'https://example.com' }])).toBe(
      'L: !If [C, [https://example.com], [https://example.com]]\n',
    );
  });

  test('keeps CRLF line ends and adds lines with them', () => {
    const input = 'Resources:\r\n  Table:\r\n    Type: AWS::DynamoDB::Table\r\n    Properties:\r\n      BillingMode: PAY_PER_REQUEST\r\n';
    expect(patch(input, [PITR])).toBe(
      'Resources:\r\n  Table:\r\n    Type: AWS::DynamoDB::Table\r\n    Properties:\r\n      BillingMode: PAY_PER_REQUEST\r\n      PointInTimeRecoverySpecification:\r\n        PointInTimeRecoveryEnabled: true\r\n',
    );
  });

  test('adds a top-level section at the end, before a trailing comment', () => {
    const input = 'Resources:\n  T:\n    Type: AWS::SNS::Topic\n# end\n';
    expect(patch(input, [{ op: 'add', path: '/Outputs', value: { TopicArn: { Value: { Ref: 'T' } } } }])).toBe(
      'Resources:\n  T:\n    Type: AWS::SNS::Topic\nOutputs:\n  TopicArn:\n    Value: !Ref T\n# end\n',
    );
  });

  test('a file without a final newline stays without one', () => {
    expect(patch('A:\n  b: 1', [{ op: 'add', path: '/A/c', value: 2 }])).toBe('A:\n  b: 1\n  c: 2');
  });

  test('quotes strings an older YAML parser would read as booleans or numbers', () => {
    expect(patch('A:\n  b: 1\n', [{ op: 'add', path: '/A/c', value: ['on', '0755', '2012-10-17'] }])).toBe(
      "A:\n  b: 1\n  c:\n    - 'on'\n    - '0755'\n    - '2012-10-17'\n",
    );
  });
});

describe('JSON splicing', () => {
  test('keeps 4-space indentation and adds keys after the last one', () => {
    const input = '{\n    "Resources": {\n        "Table": {\n            "Type": "AWS::DynamoDB::Table",\n            "Properties": {\n                "BillingMode": "PAY_PER_REQUEST"\n            }\n        }\n    }\n}\n';
    expect(patch(input, [PITR], 't.json')).toBe(
      '{\n    "Resources": {\n        "Table": {\n            "Type": "AWS::DynamoDB::Table",\n            "Properties": {\n                "BillingMode": "PAY_PER_REQUEST",\n                "PointInTimeRecoverySpecification": {\n                    "PointInTimeRecoveryEnabled": true\n                }\n            }\n        }\n    }\n}\n',
    );
  });

  test('2-space JSON, an empty object, array append, and removal with its comma', () => {
    const input = '{\n  "A": {},\n  "B": [\n    1\n  ],\n  "C": 1,\n  "D": 2\n}';
    const out = patch(
      input,
      [
        { op: 'add', path: '/A/x', value: true },
        { op: 'add', path: '/B/-', value: 2 },
        { op: 'remove', path: '/C' },
      ],
      't.json',
    );
    expect(out).toBe('{\n  "A": {\n    "x": true\n  },\n  "B": [\n    1,\n    2\n  ],\n  "D": 2\n}');
  });
});

describe('flow removals', () => {
  test('removing the first two items of a JSON array is one edit', () => {
    const input = '{"R": {"A": ["a", "b", "c"], "B": 1}}';
    expect(patch(input, [{ op: 'replace', path: '/R/A', value: ['c'] }], 't.json')).toBe('{"R": {"A": ["c"], "B": 1}}');
    expect(patch(input, [{ op: 'replace', path: '/R/A', value: ['a'] }], 't.json')).toBe('{"R": {"A": ["a"], "B": 1}}');
  });

  test('removing adjacent pairs of a YAML flow map', () => {
    expect(patch('A: {a: 1, b: 2, c: 3, d: 4}\n', [{ op: 'remove', path: '/A/b' }, { op: 'remove', path: '/A/c' }])).toBe('A: {a: 1, d: 4}\n');
  });
});

describe('parse errors and fidelity', () => {
  test('a YAML syntax error names line and column', () => {
    expect(() => CfnDocument.parse(toSourceText('bad.yaml', 'A:\n  b: [1, 2\nC: 3\n'))).toThrow(/invalid YAML/);
    try {
      CfnDocument.parse(toSourceText('bad.yaml', 'A: 1\nA: 2\n'));
    } catch (error) {
      expect((error as { linePos?: unknown }).linePos).toEqual({ line: 2, column: 1 });
    }
  });

  test('duplicate keys are accepted on request, last one wins', () => {
    const doc = CfnDocument.parse(toSourceText('dup.yaml', 'A: 1\nA: 2\n'), { allowDuplicateKeys: true });
    expect(doc.template.A).toBe(2);
    expect(doc.warnings[0]).toMatch(/duplicate key A/);
  });

  test('unknown tags are kept verbatim and shown in the view', () => {
    const input = 'Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: !Rain::Embed code.py\n';
    const doc = CfnDocument.parse(toSourceText('t.yaml', input));
    expect((doc.template.Resources as any).F.Properties.Code).toEqual({ 'Rain::Embed': 'code.py' });
    doc.applyOps([{ op: 'add', path: '/Resources/F/Properties/Timeout', value: 30 }]);
    expect(doc.print()).toBe(input + '      Timeout: 30\n');
  });

  test('a stale test op fails and leaves the document unchanged', () => {
    const doc = CfnDocument.parse(toSourceText('t.yaml', 'A:\n  b: 1\n'));
    expect(() => doc.applyOps([{ op: 'add', path: '/A/c', value: 1 }, { op: 'test', path: '/A/b', value: 2 }])).toThrow();
    expect(doc.changed).toBe(false);
    expect(doc.print()).toBe('A:\n  b: 1\n');
  });

  test('the view is copy-on-write: untouched subtrees keep their identity', () => {
    const doc = CfnDocument.parse(toSourceText('t.yaml', 'A:\n  b: 1\nC:\n  d: 2\n'));
    const before = doc.template;
    doc.applyOps([{ op: 'add', path: '/A/x', value: 1 }]);
    expect(doc.template.C).toBe(before.C);
    expect(before.A).toEqual({ b: 1 });
  });
});
