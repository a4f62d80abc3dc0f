/**
 * CDK half: `Table` / `TableV2` get point-in-time recovery in the API the project's aws-cdk-lib has:
 * `pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true }` from 2.178.0 (where
 * `pointInTimeRecovery` became deprecated, aws-cdk PR #33059), `pointInTimeRecovery: true` before (and
 * in CDK v1). An explicit `false` is turned into `true` where it stands, in whichever API it uses; a
 * TableV2 replica that turns recovery off on its own is turned on too. L1 `CfnTable` gets the
 * CloudFormation shape.
 */
import { Node, SyntaxKind, type Expression, type ObjectLiteralExpression } from 'ts-morph';
import type { CdkFindingInput, CdkHalf } from '../../src/transform.js';
import type { CdkSource, ConstructCall } from '../../src/document/cdk/index.js';
import type { DdbPitrOptions } from './meta.js';

const SPEC = 'pointInTimeRecoverySpecification';
const ENABLED = 'pointInTimeRecoveryEnabled';
const LEGACY = 'pointInTimeRecovery';
/** aws-cdk-lib 2.178.0 added `pointInTimeRecoverySpecification` to Table and TableV2. */
const SPEC_SINCE: [number, number] = [2, 178];

export const cdk: CdkHalf<DdbPitrOptions> = {
  detect(source, ctx) {
    const out: CdkFindingInput[] = [];
    for (const call of source.findConstructs('aws-dynamodb', ['Table', 'TableV2', 'CfnTable'])) {
      if ([call.id, call.variableName, call.constructPath].some((name) => name !== undefined && ctx.options.exclude.includes(name))) continue;
      if (call.propsAreOpaque()) {
        out.push({ ...where(call), messageId: 'pitrUnknown', message: `${call.className} ${call.constructPath}: its props are not a plain object literal`, manual: 'stackfix cannot tell whether the props enable point-in-time recovery: check them by hand' });
        continue;
      }
      const finding = tableFinding(source, call);
      if (finding) out.push(finding);
      if (call.className === 'TableV2') out.push(...replicaFindings(call));
    }
    return out;
  },
};

function where(call: ConstructCall) {
  return { node: call.expression, constructPath: call.constructPath };
}

/**
 * Where a recovery flag is written, read afresh from the construct each time: a fix of another
 * construct in the file may have replaced the nodes seen at detection (construct calls are re-attached,
 * other nodes are not).
 */
type Locate = () => { prop: string; flag: Expression | undefined } | undefined;

function tableFinding(source: CdkSource, call: ConstructCall): CdkFindingInput | undefined {
  const name = `${call.className} ${call.constructPath}`;
  const locate: Locate = () => writtenFlag(call.getProp(SPEC), call.className === 'CfnTable' ? undefined : call.getProp(LEGACY));
  if (locate()) return flagFinding(call, name, locate);
  const useSpec = call.className === 'CfnTable' || source.isAtLeast(...SPEC_SINCE);
  return {
    ...where(call),
    messageId: 'pitrMissing',
    message: `${name} has no point-in-time recovery: enable it (continuous backups, restore to any second of the last 35 days; billed per GB of table)`,
    fix: () => (useSpec ? call.setProp(SPEC, `{ ${ENABLED}: true }`) : call.setProp(LEGACY, 'true')),
  };
}

/** A TableV2 replica may override the table's setting: one that turns recovery off gets it on. */
function replicaFindings(call: ConstructCall): CdkFindingInput[] {
  const replicas = call.getProp('replicas');
  if (!replicas || !Node.isArrayLiteralExpression(replicas)) return [];
  const out: CdkFindingInput[] = [];
  replicas.getElements().forEach((element, index) => {
    if (!Node.isObjectLiteralExpression(element)) return;
    const region = propertyValue(element, 'region');
    const name = `TableV2 ${call.constructPath} replica ${region && Node.isStringLiteral(region) ? region.getLiteralValue() : `#${index}`}`;
    const locate: Locate = () => {
      const replica = call.getProp('replicas')?.asKind(SyntaxKind.ArrayLiteralExpression)?.getElements()[index]?.asKind(SyntaxKind.ObjectLiteralExpression);
      return replica && writtenFlag(propertyValue(replica, SPEC), propertyValue(replica, LEGACY));
    };
    const finding = locate() && flagFinding(call, name, locate);
    if (finding) out.push(finding);
  });
  return out;
}

/** The flag as written: `pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled`, else `pointInTimeRecovery`. */
function writtenFlag(spec: Expression | undefined, legacy: Expression | undefined): ReturnType<Locate> {
  if (spec) return { prop: SPEC, flag: Node.isObjectLiteralExpression(spec) ? propertyValue(spec, ENABLED) : spec };
  if (legacy) return { prop: LEGACY, flag: legacy };
  return undefined;
}

/**
 * A recovery flag that is written down: `true` is fine, `false` is flipped where it stands, anything
 * else (a variable, a condition) is the author's decision and is reported.
 */
function flagFinding(call: ConstructCall, name: string, locate: Locate): CdkFindingInput | undefined {
  const { prop, flag } = locate()!;
  const label = prop === SPEC ? `${SPEC}.${ENABLED}` : prop;
  if (flag && Node.isTrueLiteral(flag)) return undefined;
  if (flag && Node.isFalseLiteral(flag)) {
    const fix = () => {
      const current = locate()?.flag;
      if (!current || !Node.isFalseLiteral(current)) throw new Error(`${label} changed since it was read`);
      current.replaceWithText('true');
    };
    return { ...where(call), messageId: 'pitrDisabled', message: `${name} turns point-in-time recovery off (${label}: false): set it to true`, fix };
  }
  return {
    ...where(call),
    messageId: 'pitrUnknown',
    message: `${name}: ${label} is ${flag ? `computed (${flag.getText()})` : 'not set'}`,
    manual: `${prop} is set, but not to a literal true, which looks deliberate: make sure it enables recovery`,
  };
}

/** The initializer of `name` in an object literal (`name:` or `'name':`), if written there. */
function propertyValue(literal: ObjectLiteralExpression, name: string): Expression | undefined {
  const property = literal.getProperties().findLast((p) => Node.isPropertyAssignment(p) && p.getName().replace(/^['"]|['"]$/g, '') === name);
  return property && Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
}
