/**
 * The key that encrypts the variables: the template's own customer managed key when exactly one is
 * suitable, otherwise a new one (rotation on, administered by the account through IAM) and its alias.
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import { isPlainObject, pointer, referencedId, resourcesOfType, uniqueLogicalId, type JsonObject, type ResourceRef } from '../_shared/cfn.js';
import type { Operation } from 'fast-json-patch';
import type { LambdaFunction } from './functions.js';
import type { LambdaEnvKmsOptions } from './meta.js';

export interface ChosenKey {
  logicalId: string;
  /** Operations that create it (empty for a key the template already has). */
  create: Operation[];
  /** How the finding describes it. */
  description: string;
}

export function chooseKey(template: Template, functions: LambdaFunction[], options: LambdaEnvKmsOptions): ChosenKey {
  if (options.reuseExistingKey) {
    const existing = existingKey(template, functions);
    if (existing) return { logicalId: existing.logicalId, create: [], description: `the template's own key ${existing.logicalId}` };
  }
  return newKey(template, options);
}

/** One key already encrypting functions here; else the one suitable key; else none. */
function existingKey(template: Template, functions: LambdaFunction[]): ResourceRef | undefined {
  const suitable = resourcesOfType(template, 'AWS::KMS::Key').filter(isSuitable);
  const inUse = new Set(functions.map((fn) => referencedId(fn.settings.KmsKeyArn)).filter((id) => suitable.some((k) => k.logicalId === id)));
  if (inUse.size === 1) return suitable.find((k) => inUse.has(k.logicalId));
  return suitable.length === 1 ? suitable[0] : undefined;
}

/**
 * A key a function can use with an IAM grant: symmetric, for encryption, enabled, not behind a
 * Condition, and with a key policy that lets the account's IAM policies grant access (as the default
 * policy does when none is given).
 */
function isSuitable(key: ResourceRef): boolean {
  const p = key.properties;
  if ('Condition' in key.resource) return false;
  if (p.KeySpec !== undefined && p.KeySpec !== 'SYMMETRIC_DEFAULT') return false;
  if (p.KeyUsage !== undefined && p.KeyUsage !== 'ENCRYPT_DECRYPT') return false;
  if (p.Enabled === false || p.Enabled === 'false') return false;
  return p.KeyPolicy === undefined || delegatesToIam(p.KeyPolicy);
}

function delegatesToIam(policy: Json): boolean {
  if (!isPlainObject(policy)) return false;
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return statements.some((s) => {
    if (!isPlainObject(s) || s.Effect !== 'Allow' || !isPlainObject(s.Principal)) return false;
    const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
    const principal = JSON.stringify(s.Principal.AWS ?? '');
    return actions.some((a) => a === 'kms:*' || a === '*') && (/:root\b/.test(principal) || /"AWS::AccountId"/.test(principal));
  });
}

function newKey(template: Template, options: LambdaEnvKmsOptions): ChosenKey {
  const keyId = uniqueLogicalId(template, options.keyLogicalId);
  const aliasId = uniqueLogicalId(template, `${keyId}Alias`, new Set([keyId]));
  const key: JsonObject = {
    Type: 'AWS::KMS::Key',
    DeletionPolicy: options.keyRemovalPolicy,
    UpdateReplacePolicy: options.keyRemovalPolicy,
    Properties: {
      Description: 'Encrypts the environment variables of the Lambda functions in this stack',
      EnableKeyRotation: true,
      // The account administers the key, so IAM policies (the functions' roles) can be granted its use.
      KeyPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'EnableIamPolicies',
            Effect: 'Allow',
            Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
            Action: 'kms:*',
            Resource: '*',
          },
        ],
      },
    },
  };
  const aliasName: Json = options.aliasName.includes('${') ? { 'Fn::Sub': options.aliasName } : options.aliasName;
  const alias: JsonObject = { Type: 'AWS::KMS::Alias', Properties: { AliasName: aliasName, TargetKeyId: { Ref: keyId } } };
  return {
    logicalId: keyId,
    create: [
      { op: 'add', path: pointer('Resources', keyId), value: key },
      { op: 'add', path: pointer('Resources', aliasId), value: alias },
    ],
    description: `a new key ${keyId} (rotation on, administered by the account through IAM; alias ${aliasId})`,
  };
}
