/**
 * The function's execution role must be allowed `kms:Decrypt` on the key, or the function cannot read
 * its own variables when it starts (Lambda reports KMSAccessDeniedException). A role defined in the
 * template gets an inline policy; a SAM function without a Role gets SAM's `KMSDecryptPolicy` template.
 */
import type { Operation } from 'fast-json-patch';
import type { Json, Template } from '../../src/document/cfn/index.js';
import { addProperty, getResource, isPlainObject, pointer, referencedId, referencesIn, resourcesOfType, type JsonObject } from '../_shared/cfn.js';
import { isIntrinsic, propertyPointer, type LambdaFunction } from './functions.js';

type Grant =
  | {
      /** Operations that add the grant (none when it exists or another finding adds it). */
      ops: Operation[];
      /** For the message: a sentence on how the role may decrypt. */
      what: string;
      /** The role it was granted on, so functions sharing it grant once. */
      role?: string;
    }
  | { reason: string };

/** Roles granted by earlier findings of this run: role → the `test` that proves the grant landed. */
export type PlannedGrants = Map<string, Operation>;

export function decryptGrant(fn: LambdaFunction, template: Template, keyId: string, planned: PlannedGrants): Grant {
  const role = fn.settings.Role;
  if (role === undefined) {
    if (!fn.sam) return { reason: 'it has no Role' };
    return samPolicyGrant(fn, keyId);
  }
  const roleId = referencedId(role);
  const resource = roleId ? getResource(template, roleId) : undefined;
  if (!roleId || resource?.type !== 'AWS::IAM::Role') {
    return {
      reason:
        'its Role is not an AWS::IAM::Role of this template, so stackfix cannot grant it kms:Decrypt on the key; without that grant the function fails to decrypt its variables when it starts (KMSAccessDeniedException). Grant the role kms:Decrypt on a customer managed key, then set KmsKeyArn',
    };
  }
  const earlier = planned.get(roleId);
  if (earlier) return { ops: [earlier], what: `Its role ${roleId} gets kms:Decrypt on it with the policy added for another function.`, role: roleId };
  if (roleAllowsDecrypt(template, roleId, keyId)) return { ops: [], what: `Its role ${roleId} already allows kms:Decrypt on it.`, role: roleId };
  const policies = resource.properties.Policies;
  if (policies !== undefined && !Array.isArray(policies)) return { reason: `the Policies of its role ${roleId} are an intrinsic function, so a kms:Decrypt grant cannot be added safely` };
  const policy = decryptPolicy(policies ?? [], keyId);
  const at = pointer('Resources', roleId, 'Properties', 'Policies');
  const index = (policies ?? []).length;
  const ops: Operation[] = policies === undefined ? [addProperty(resource, 'Policies', [policy])] : [{ op: 'add', path: `${at}/-`, value: policy }];
  planned.set(roleId, { op: 'test', path: `${at}/${index}`, value: policy });
  return { ops, what: `Its role ${roleId} gets kms:Decrypt on it (inline policy ${String(policy.PolicyName)}).`, role: roleId };
}

function decryptPolicy(existing: Json[], keyId: string): JsonObject {
  const names = new Set(existing.map((p) => (isPlainObject(p) ? p.PolicyName : undefined)));
  let name = `${keyId}Decrypt`;
  for (let n = 2; names.has(name); n++) name = `${keyId}Decrypt${n}`;
  return {
    PolicyName: name,
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } }],
    },
  };
}

/** SAM generates the role from `Policies`: add the policy template scoped to the key. */
function samPolicyGrant(fn: LambdaFunction, keyId: string): Grant {
  const entry: JsonObject = { KMSDecryptPolicy: { KeyId: { Ref: keyId } } };
  const policies = fn.resource.properties.Policies;
  const what = 'The role SAM generates for it gets kms:Decrypt on it (policy template KMSDecryptPolicy).';
  const at = propertyPointer(fn, 'Policies');
  if (policies === undefined) return { ops: [{ op: 'add', path: at, value: [entry] }], what };
  if (Array.isArray(policies)) {
    if (policies.some((p) => isPlainObject(p) && referencedId((p.KMSDecryptPolicy as JsonObject | undefined)?.KeyId) === keyId)) {
      return { ops: [], what: 'Its Policies already include KMSDecryptPolicy for it.' };
    }
    return { ops: [{ op: 'add', path: `${at}/-`, value: entry }], what };
  }
  if (typeof policies === 'string' || (isPlainObject(policies) && !isIntrinsic(policies))) {
    return { ops: [{ op: 'replace', path: at, value: [policies, entry] }], what };
  }
  return { reason: 'its Policies are an intrinsic function, so a KMSDecryptPolicy cannot be added safely' };
}

/** Does a policy attached to the role already allow kms:Decrypt on this key (or on every key)? */
function roleAllowsDecrypt(template: Template, roleId: string, keyId: string): boolean {
  const role = getResource(template, roleId)!;
  const documents: Json[] = [];
  const inline = role.properties.Policies;
  if (Array.isArray(inline)) for (const p of inline) if (isPlainObject(p)) documents.push(p.PolicyDocument ?? null);
  for (const policy of resourcesOfType(template, 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy')) {
    const roles = policy.properties.Roles;
    if (Array.isArray(roles) && roles.some((r) => referencedId(r) === roleId)) documents.push(policy.properties.PolicyDocument ?? null);
  }
  return documents.some((doc) => {
    if (!isPlainObject(doc)) return false;
    const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    return statements.some((s) => isPlainObject(s) && s.Effect === 'Allow' && allowsDecrypt(s.Action) && coversKey(s.Resource, keyId));
  });
}

function allowsDecrypt(action: Json | undefined): boolean {
  const actions = Array.isArray(action) ? action : [action];
  return actions.some((a) => typeof a === 'string' && /^(\*|kms:\*|kms:Decrypt\*?)$/i.test(a));
}

function coversKey(resource: Json | undefined, keyId: string): boolean {
  const resources = Array.isArray(resource) ? resource : [resource];
  return resources.some((r) => r === '*' || referencesIn(r ?? null).has(keyId));
}
