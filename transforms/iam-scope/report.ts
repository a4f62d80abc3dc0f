/** How findings describe statements, resources and the needs kept: short, and with the code line behind each. */
import type { Json } from '../../src/document/cfn/index.js';
import { isPlainObject } from '../../src/document/cfn/index.js';
import { breadthOf } from './policy.js';
import type { Emitted, Need } from './scope.js';
import type { ManagedPolicyRef, StatementRef } from './template.js';

/** `Action '*' (Policies/0 statement 1), AmazonS3FullAccess`. */
export function summarizeBroad(statements: StatementRef[], managed: ManagedPolicyRef[]): string {
  const parts = statements.map((s) => {
    const b = breadthOf(s.statement);
    return b.broad ? b.what : 'a statement';
  });
  parts.push(...managed.map((m) => `the managed policy ${m.name}`));
  return [...new Set(parts)].join(', ');
}

/** `dynamodb:GetItem, dynamodb:PutItem on !GetAtt Table.Arn (src/app.js:12, src/app.js:30)`: one entry per resource list. */
export function describeEmitted(emitted: Emitted[]): string {
  const groups = new Map<string, { actions: Set<string>; resources: Json[]; why: Set<string> }>();
  for (const e of emitted) {
    const key = JSON.stringify(e.resources);
    const group = groups.get(key) ?? { actions: new Set(), resources: e.resources, why: new Set() };
    groups.set(key, group);
    group.actions.add(e.action);
    for (const w of e.need.why) group.why.add(w);
  }
  return [...groups.values()]
    .map((g) => `${[...g.actions].sort().join(', ')} on ${g.resources.map(describeResource).join(', ')} (${[...g.why].join(', ')})`)
    .join('; ');
}

/** Why some resources are not narrower: `ec2:DescribeVolumeAttribute: the request does not name …`. */
export function describeNotes(needs: Need[]): string {
  const byNote = new Map<string, string[]>();
  for (const need of needs) for (const note of need.notes) byNote.set(note, [...(byNote.get(note) ?? []), need.action]);
  return [...byNote.entries()].map(([note, actions]) => `${actions.join(', ')}: ${note}`).join('; ');
}

export function describeResource(resource: Json): string {
  if (typeof resource === 'string') return resource;
  if (isPlainObject(resource)) {
    if (typeof resource.cdk === 'string') return resource.cdk;
    if (typeof resource.Ref === 'string') return `!Ref ${resource.Ref}`;
    const getAtt = resource['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `!GetAtt ${getAtt.join('.')}`;
    const sub = resource['Fn::Sub'];
    if (typeof sub === 'string') return sub;
  }
  return JSON.stringify(resource);
}
