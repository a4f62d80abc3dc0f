/**
 * Rules a resource's Metadata tells linters to skip. A table whose author suppressed the PITR check
 * chose to run without recovery (a test or cache table, say), so it is reported, not changed.
 */
import { isPlainObject, type JsonObject } from '../_shared/cfn.js';
import type { Json } from '../../src/document/cfn/index.js';

/** The same check under each linter's name: cfn-guard, checkov, cfn_nag, cdk-nag. */
export const PITR_RULES = [
  'DYNAMODB_PITR_ENABLED',
  'CKV_AWS_28',
  'W78',
  'AwsSolutions-DDB3',
  'HIPAA.Security-DynamoDBPITREnabled',
  'NIST.800.53.R5-DynamoDBPITREnabled',
];

/** The suppressed rule ids in `Metadata`: `guard.SuppressedRules`, `checkov.skip[].id`, `cfn_nag`/`cdk_nag` `rules_to_suppress[].id`. */
export function suppressedRules(metadata: Json | undefined): Set<string> {
  const out = new Set<string>();
  if (!isPlainObject(metadata)) return out;
  const section = (name: string): JsonObject => (isPlainObject(metadata[name]) ? metadata[name] : {});
  for (const rule of list(section('guard').SuppressedRules)) if (typeof rule === 'string') out.add(rule);
  for (const entry of [...list(section('checkov').skip), ...list(section('cfn_nag').rules_to_suppress), ...list(section('cdk_nag').rules_to_suppress)]) {
    if (isPlainObject(entry) && typeof entry.id === 'string') out.add(entry.id);
  }
  return out;
}

function list(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}
