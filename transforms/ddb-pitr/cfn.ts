/**
 * CloudFormation half: every DynamoDB table gets `PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true`.
 * `AWS::DynamoDB::Table` carries it in Properties, `AWS::DynamoDB::GlobalTable` per replica. SAM's
 * `AWS::Serverless::SimpleTable` takes it too, but that fix is reported for now (see SIMPLE_TABLE_REASON).
 * A value only known at deploy time (a parameter, a condition) is reported, not overwritten: it is
 * usually there on purpose.
 */
import type { Operation } from 'fast-json-patch';
import type { CfnFindingInput, CfnHalf } from '../../src/transform.js';
import type { Json, Template } from '../../src/document/cfn/index.js';
import { addProperty, isIntrinsic, isPlainObject, pointer, resources, type JsonObject, type ResourceRef } from '../_shared/cfn.js';
import type { DdbPitrOptions } from './meta.js';
import { PITR_RULES, suppressedRules } from './suppressions.js';

const SPEC = 'PointInTimeRecoverySpecification';
const ENABLED = 'PointInTimeRecoveryEnabled';
const ENABLED_SPEC = { [ENABLED]: true };

export const cfn: CfnHalf<DdbPitrOptions> = {
  detect(template, ctx) {
    const out: CfnFindingInput[] = [];
    for (const resource of resources(template)) {
      if (ctx.options.exclude.includes(resource.logicalId)) continue;
      const suppressed = PITR_RULES.filter((rule) => suppressedRules(resource.resource.Metadata).has(rule));
      const findings =
        resource.type === 'AWS::DynamoDB::Table' || resource.type === 'AWS::Serverless::SimpleTable'
          ? [tableFinding(template, resource)].filter((f) => f !== undefined)
          : resource.type === 'AWS::DynamoDB::GlobalTable'
            ? replicaFindings(template, resource)
            : [];
      for (const finding of findings) {
        if (!finding.fix) out.push(finding);
        else if (suppressed.length > 0) out.push(asReport(finding, 'pitrSuppressed', suppressedReason(suppressed)));
        else if (resource.type === 'AWS::Serverless::SimpleTable') out.push(asReport(finding, 'pitrSimpleTable', SIMPLE_TABLE_REASON));
        else out.push(finding);
      }
    }
    return out;
  },
};

/**
 * SAM passes PointInTimeRecoverySpecification through to the table a SimpleTable generates (since 2023,
 * serverless-application-model PR #3138), but the SAM resource specification stackfix verifies fixes
 * against predates it and would reject the change.
 */
const SIMPLE_TABLE_REASON =
  'SAM passes PointInTimeRecoverySpecification through to the table it generates (since 2023), but the resource ' +
  'specification stackfix checks its fixes against does not list it for SimpleTable yet: add ' +
  'PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } to its Properties by hand, or make it an AWS::DynamoDB::Table';

function suppressedReason(rules: string[]): string {
  return `the resource's Metadata suppresses ${rules.join(', ')}, so it is left as is: remove the suppression to have stackfix enable recovery`;
}

/** A fix that is not to be applied, reported for review instead. */
function asReport(finding: CfnFindingInput, messageId: string, reason: string): CfnFindingInput {
  return { pointer: finding.pointer, logicalId: finding.logicalId, messageId, message: finding.message, manual: reason };
}

function tableFinding(template: Template, resource: ResourceRef): CfnFindingInput | undefined {
  const where = `${resource.type} ${resource.logicalId}`;
  if (resource.resource.Properties === undefined) {
    // No Properties map to add to: addProperty creates it with the specification.
    return { pointer: resource.pointer, messageId: 'pitrMissing', message: missingMessage(where), fix: [addProperty(resource, SPEC, ENABLED_SPEC)] };
  }
  return specFinding(template, resource.properties, ['Resources', resource.logicalId, 'Properties'], where);
}

function replicaFindings(template: Template, resource: ResourceRef): CfnFindingInput[] {
  const replicas = resource.properties.Replicas;
  const where = `AWS::DynamoDB::GlobalTable ${resource.logicalId}`;
  if (!Array.isArray(replicas)) {
    if (replicas === undefined) return [];
    return [{ pointer: pointer('Resources', resource.logicalId, 'Properties', 'Replicas'), messageId: 'pitrUnknown', message: `${where}: its Replicas are computed at deploy time`, manual: 'Replicas is an intrinsic function, so stackfix cannot see each replica: enable PointInTimeRecoverySpecification on every replica by hand' }];
  }
  const out: CfnFindingInput[] = [];
  replicas.forEach((replica, index) => {
    const path = ['Resources', resource.logicalId, 'Properties', 'Replicas', index];
    const region = isPlainObject(replica) && typeof replica.Region === 'string' ? replica.Region : `#${index}`;
    const replicaWhere = `${where} replica ${region}`;
    if (!isPlainObject(replica) || isIntrinsic(replica)) {
      out.push({ pointer: pointer(...path), logicalId: resource.logicalId, messageId: 'pitrUnknown', message: `${replicaWhere} is computed at deploy time`, manual: 'the replica is an intrinsic function: enable PointInTimeRecoverySpecification in it by hand' });
      return;
    }
    const finding = specFinding(template, replica, path, replicaWhere);
    if (finding) out.push({ ...finding, logicalId: resource.logicalId });
  });
  return out;
}

/** The finding for the object (Properties or a replica) that should hold an enabled specification. */
function specFinding(template: Template, holder: JsonObject, path: Array<string | number>, where: string): CfnFindingInput | undefined {
  const spec = holder[SPEC];
  const specPath = [...path, SPEC];
  if (spec === undefined) {
    return { pointer: pointer(...path), messageId: 'pitrMissing', message: missingMessage(where), fix: [{ op: 'add', path: pointer(...specPath), value: ENABLED_SPEC }] };
  }
  if (!isPlainObject(spec) || isIntrinsic(spec)) {
    const specs = possibleValues(template, spec);
    if (specs.every((s) => isPlainObject(s) && isOn(possibleValues(template, s[ENABLED])))) return undefined;
    return { pointer: pointer(...specPath), messageId: 'pitrUnknown', message: `${where}: its ${SPEC} is computed at deploy time`, manual: deployTimeReason(template, spec, SPEC) };
  }
  const enabled = spec[ENABLED];
  const enabledPath = pointer(...specPath, ENABLED);
  if (enabled === undefined) {
    return { pointer: pointer(...specPath), messageId: 'pitrMissing', message: missingMessage(where), fix: [{ op: 'add', path: enabledPath, value: true }] };
  }
  if (isOff(enabled)) {
    const ops: Operation[] = [
      { op: 'test', path: enabledPath, value: enabled },
      { op: 'replace', path: enabledPath, value: true },
    ];
    return { pointer: enabledPath, messageId: 'pitrDisabled', message: `${where} turns point-in-time recovery off (${ENABLED}: ${String(enabled)}): set it to true`, fix: ops };
  }
  if (isOn(possibleValues(template, enabled))) return undefined;
  return { pointer: enabledPath, messageId: 'pitrUnknown', message: `${where}: ${ENABLED} is computed at deploy time`, manual: deployTimeReason(template, enabled, ENABLED) };
}

function missingMessage(where: string): string {
  return `${where} has no point-in-time recovery: enable ${SPEC}.${ENABLED} (continuous backups, restore to any second of the last 35 days; billed per GB of table)`;
}

const isOff = (value: Json | undefined) => value === false || (typeof value === 'string' && value.trim().toLowerCase() === 'false');
const isTrue = (value: Json | undefined) => value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
const UNKNOWN = Symbol('unknown');
const isOn = (values: Array<Json | typeof UNKNOWN | undefined>) => values.every((v) => v !== UNKNOWN && isTrue(v));

/**
 * The values an expression can take at deploy time, as far as the template says: both branches of
 * an Fn::If, a parameter's Default, undefined for AWS::NoValue, UNKNOWN for anything else.
 */
function possibleValues(template: Template, value: Json | undefined): Array<Json | typeof UNKNOWN | undefined> {
  if (!isIntrinsic(value)) return [value];
  const node = value as JsonObject;
  const branches = node['Fn::If'];
  if (Array.isArray(branches) && branches.length === 3) return [...possibleValues(template, branches[1]), ...possibleValues(template, branches[2])];
  if (typeof node.Ref === 'string') {
    if (node.Ref === 'AWS::NoValue') return [undefined];
    const parameter = isPlainObject(template.Parameters) ? template.Parameters[node.Ref] : undefined;
    if (isPlainObject(parameter) && parameter.Default !== undefined) return [parameter.Default];
  }
  return [UNKNOWN];
}

function deployTimeReason(template: Template, value: Json, name: string): string {
  const node = value as JsonObject;
  if (typeof node.Ref === 'string' && isPlainObject(template.Parameters) && node.Ref in template.Parameters) {
    const parameter = template.Parameters[node.Ref];
    const fallback = isPlainObject(parameter) && parameter.Default !== undefined ? `default ${JSON.stringify(parameter.Default)}` : 'no default';
    return `${name} comes from parameter ${node.Ref} (${fallback}), which looks deliberate: pass true for it, or replace the reference with true`;
  }
  if ('Fn::If' in node) return `${name} depends on a condition and is off in some branch, which looks deliberate: set it to true in every branch if recovery should always be on`;
  return `${name} is computed at deploy time, so stackfix cannot tell whether it is true: make sure it is`;
}
