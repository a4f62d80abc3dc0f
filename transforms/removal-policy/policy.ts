/**
 * Which policy a resource should carry: the one decision both halves share. The domain knowledge
 * (which types are stateful, which can be snapshotted, CDK's defaults) is data in data/.
 */
import data from './data/stateful-types.json' with { type: 'json' };
import type { RemovalPolicyOptions } from './meta.js';

/** The CloudFormation attribute values this transform writes. */
export type Policy = 'Retain' | 'Snapshot' | 'Delete';

/** CDK's names for the same policies. */
export const CDK_POLICY: Record<Policy, 'RETAIN' | 'SNAPSHOT' | 'DESTROY'> = { Retain: 'RETAIN', Snapshot: 'SNAPSHOT', Delete: 'DESTROY' };

export interface CdkConstructInfo {
  module: string;
  className: string;
  cfnType: string;
  /** What the construct applies when its removalPolicy prop is absent. */
  default: 'RETAIN' | 'SNAPSHOT' | 'DESTROY';
}

export const CDK_CONSTRUCTS: readonly CdkConstructInfo[] = data.cdkConstructs as CdkConstructInfo[];

const SNAPSHOT_TYPES = new Set(data.snapshot);
const CLUSTER_MEMBERS: Record<string, { cfnProperty: string; cdkProp: string }> = data.clusterMembers;
/** Instance types that can belong to a DB cluster (see clusterMemberProperty). */
export const CLUSTER_MEMBER_TYPES: readonly string[] = Object.keys(CLUSTER_MEMBERS);

export function statefulTypes(options: RemovalPolicyOptions): Set<string> {
  return new Set([...data.stateful, ...options.extraTypes]);
}

/** The property that makes an instance of this type a member of a DB cluster, if the type can be one. */
export function clusterMemberProperty(type: string): { cfnProperty: string; cdkProp: string } | undefined {
  return CLUSTER_MEMBERS[type];
}

export interface Decision {
  policy: Policy;
  /** Why this policy, for the finding's message. */
  why: string;
}

/** The policy for a resource of `type`; `isClusterMember` says whether it sits in a DB cluster. */
export function decide(type: string, isClusterMember: boolean, options: RemovalPolicyOptions): Decision {
  if (isClusterMember) {
    return {
      policy: 'Delete',
      why: 'it is a member of a DB cluster: the data lives in the cluster, which carries its own policy, and a retained instance would block deleting the cluster',
    };
  }
  if (options.disposable) return { policy: 'Delete', why: 'option disposable: the stack is meant to be thrown away' };
  if (options.useSnapshot && SNAPSHOT_TYPES.has(type)) return { policy: 'Snapshot', why: 'CloudFormation takes a final snapshot before it deletes the resource' };
  return { policy: 'Retain', why: 'CloudFormation then keeps the resource and its data' };
}
