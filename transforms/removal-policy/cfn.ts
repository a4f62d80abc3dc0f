/**
 * CloudFormation half: a stateful resource without DeletionPolicy or UpdateReplacePolicy gets the
 * missing attribute(s). An attribute already there is never changed; when only one is there, the
 * missing one mirrors it, because it states what the author wants for this resource.
 */
import type { Operation } from 'fast-json-patch';
import type { CfnFindingInput, CfnHalf } from '../../src/transform.js';
import { isIntrinsic, pointer, resources, type ResourceRef } from '../_shared/cfn.js';
import type { Json } from '../../src/document/cfn/index.js';
import type { RemovalPolicyOptions } from './meta.js';
import { clusterMemberProperty, decide, statefulTypes, type Decision } from './policy.js';

const ATTRIBUTES = ['DeletionPolicy', 'UpdateReplacePolicy'] as const;
type Attribute = (typeof ATTRIBUTES)[number];

const ALLOWED: Record<Attribute, ReadonlySet<string>> = {
  DeletionPolicy: new Set(['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot']),
  UpdateReplacePolicy: new Set(['Delete', 'Retain', 'Snapshot']),
};

export const cfn: CfnHalf<RemovalPolicyOptions> = {
  detect(template, ctx) {
    const options = ctx.options;
    const stateful = statefulTypes(options);
    const out: CfnFindingInput[] = [];
    for (const resource of resources(template)) {
      if (options.exclude.includes(resource.logicalId)) continue;
      const missing = ATTRIBUTES.filter((attribute) => resource.resource[attribute] === undefined);
      if (missing.length === 0) continue;
      const membership = clusterMembership(resource);
      if (membership === 'unknown') {
        out.push({
          pointer: resource.pointer,
          messageId: 'clusterMembershipUnknown',
          message: `${resource.type} ${resource.logicalId} has ${missing.map((a) => `no ${a}`).join(' and ')}`,
          manual: `whether it belongs to a DB cluster depends on a condition (${clusterMemberProperty(resource.type)!.cfnProperty} is an Fn::If); a cluster member should be deleted with its cluster, a standalone instance kept: set the attributes by hand`,
        });
        continue;
      }
      if (membership === 'standalone' && !stateful.has(resource.type)) continue;
      out.push(finding(resource, missing, decide(resource.type, membership === 'member', options)));
    }
    return out;
  },
};

function finding(resource: ResourceRef, missing: Attribute[], decision: Decision): CfnFindingInput {
  const values = missing.map((attribute) => valueFor(attribute, resource, decision));
  const fix: Operation[] = missing.map((attribute, i) => ({ op: 'add', path: pointer('Resources', resource.logicalId, attribute), value: values[i] }));
  const what = missing.map((attribute, i) => `${attribute}: ${values[i]}`).join(', ');
  const name = `${resource.type} ${resource.logicalId}`;
  const sibling = otherOf(missing[0]!);
  const mirrored = missing.length === 1 && values[0] !== decision.policy;
  return {
    pointer: resource.pointer,
    messageId: 'missingPolicy',
    message: mirrored
      ? `${name} has ${sibling}: ${String(resource.resource[sibling])} but no ${missing[0]}: set ${what} to match`
      : `${name} has ${missing.map((a) => `no ${a}`).join(' and ')}, so removing or replacing it deletes its data: set ${what} (${decision.why})`,
    fix,
  };
}

/** The sibling attribute's value when it is a literal the missing one accepts, else the decision. */
function valueFor(attribute: Attribute, resource: ResourceRef, decision: Decision): string {
  const sibling = resource.resource[otherOf(attribute)];
  if (typeof sibling === 'string') {
    // RetainExceptOnCreate exists only for DeletionPolicy; on replacement it behaves as Retain.
    const candidate = sibling === 'RetainExceptOnCreate' ? 'Retain' : sibling;
    if (ALLOWED[attribute].has(candidate)) return candidate;
  }
  return decision.policy;
}

function otherOf(attribute: Attribute): Attribute {
  return attribute === 'DeletionPolicy' ? 'UpdateReplacePolicy' : 'DeletionPolicy';
}

/** Whether an instance type that can join a DB cluster does so here. */
function clusterMembership(resource: ResourceRef): 'member' | 'standalone' | 'unknown' {
  const property = clusterMemberProperty(resource.type);
  if (!property) return 'standalone';
  const value: Json | undefined = resource.properties[property.cfnProperty];
  if (value === undefined) return 'standalone';
  return isIntrinsic(value) && 'Fn::If' in (value as object) ? 'unknown' : 'member';
}
