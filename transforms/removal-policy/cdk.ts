/**
 * CDK half. L2 constructs take a `removalPolicy` prop, but most stateful L2s (Table, Bucket, Key,
 * LogGroup, …) already default to RETAIN, and the RDS ones to SNAPSHOT: an absent prop is only a
 * problem where the default destroys the data (Secret), unless the option `explicit` asks for the
 * prop everywhere. L1 `Cfn*` constructs default to CloudFormation's Delete, so they always need
 * `applyRemovalPolicy(...)`, which sets both attributes.
 */
import type { CdkFindingInput, CdkHalf } from '../../src/transform.js';
import type { CdkSource, ConstructCall } from '../../src/document/cdk/index.js';
import type { RemovalPolicyOptions } from './meta.js';
import { CDK_CONSTRUCTS, CDK_POLICY, CLUSTER_MEMBER_TYPES, clusterMemberProperty, decide, statefulTypes, type CdkConstructInfo } from './policy.js';

export const cdk: CdkHalf<RemovalPolicyOptions> = {
  detect(source, ctx) {
    return [...l2Findings(source, ctx.options), ...l1Findings(source, ctx.options)];
  },
};

function l2Findings(source: CdkSource, options: RemovalPolicyOptions): CdkFindingInput[] {
  const out: CdkFindingInput[] = [];
  for (const info of CDK_CONSTRUCTS) {
    for (const call of source.findConstructs(info.module, info.className)) {
      if (isExcluded(call, options) || laterPolicies(source, call) !== 'none') continue;
      const wanted = CDK_POLICY[decide(info.cfnType, false, options).policy];
      if (!options.explicit && !(info.default === 'DESTROY' && wanted !== 'DESTROY')) continue;
      const base = { node: call.expression, constructPath: call.constructPath, messageId: 'missingRemovalPolicy', message: l2Message(info, wanted, options) };
      if (call.propsAreOpaque()) {
        out.push({ ...base, manual: 'its props are not a plain object literal, so stackfix cannot tell whether they set removalPolicy: set it by hand' });
        continue;
      }
      if (call.getProp('removalPolicy')) continue;
      out.push({ ...base, fix: () => call.setProp('removalPolicy', `${source.ensureImport('core', 'RemovalPolicy')}.${wanted}`) });
    }
  }
  return out;
}

function l2Message(info: CdkConstructInfo, wanted: string, options: RemovalPolicyOptions): string {
  const what = `${info.className} (${info.cfnType}) has no removalPolicy`;
  return info.default === 'DESTROY'
    ? `${what}; its default DESTROY deletes it, data included, with the stack: set RemovalPolicy.${wanted}`
    : `${what}; its default is ${info.default}, and option explicit${options.disposable ? ' with disposable' : ''} asks to state RemovalPolicy.${wanted}`;
}

function l1Findings(source: CdkSource, options: RemovalPolicyOptions): CdkFindingInput[] {
  const out: CdkFindingInput[] = [];
  const stateful = statefulTypes(options);
  for (const type of new Set([...stateful, ...CLUSTER_MEMBER_TYPES])) {
    const l1 = l1ClassOf(type);
    if (!l1) continue;
    for (const call of source.findConstructs(l1.module, l1.className)) {
      if (isExcluded(call, options)) continue;
      const later = laterPolicies(source, call);
      if (later === 'both') continue;
      const memberProp = clusterMemberProperty(type)?.cdkProp;
      const isMember = memberProp !== undefined && call.getProp(memberProp) !== undefined;
      if (!isMember && !stateful.has(type)) continue;
      const decision = decide(type, isMember, options);
      const wanted = CDK_POLICY[decision.policy];
      const base = {
        node: call.expression,
        constructPath: call.constructPath,
        messageId: 'missingRemovalPolicy',
        message: `${l1.className} (${type}) has no removal policy, so CloudFormation deletes it, data included, when it is removed or replaced: apply RemovalPolicy.${wanted} (${decision.why})`,
      };
      if (later === 'one') {
        out.push({
          ...base,
          messageId: 'partialRemovalPolicy',
          message: `${l1.className} (${type}) sets only one of cfnOptions.deletionPolicy and cfnOptions.updateReplacePolicy`,
          manual: 'set the other one to match, by hand, so that a replacement treats the data as a removal does',
        });
        continue;
      }
      const variable = call.variableName;
      if (!variable) {
        out.push({ ...base, manual: 'the construct is not assigned to a variable, so there is nothing to call applyRemovalPolicy on: assign it, or wrap it, and apply the policy by hand' });
        continue;
      }
      out.push({
        ...base,
        fix: () => source.insertStatementsAfter(call, [`${variable}.applyRemovalPolicy(${source.ensureImport('core', 'RemovalPolicy')}.${wanted});`]),
      });
    }
  }
  return out;
}

/** `AWS::DynamoDB::Table` → aws-dynamodb CfnTable. SAM types have no L1 in the service modules. */
function l1ClassOf(type: string): { module: string; className: string } | undefined {
  const [vendor, service, name] = type.split('::');
  if (vendor !== 'AWS' || !service || !name || service === 'Serverless') return undefined;
  return { module: `aws-${service.toLowerCase()}`, className: `Cfn${name}` };
}

function isExcluded(call: ConstructCall, options: RemovalPolicyOptions): boolean {
  return [call.id, call.variableName, call.constructPath].some((name) => name !== undefined && options.exclude.includes(name));
}

/**
 * What the file does later with the construct's policies: `x.applyRemovalPolicy(...)` (both),
 * `x.cfnOptions.deletionPolicy = …` and/or `x.cfnOptions.updateReplacePolicy = …`.
 */
function laterPolicies(source: CdkSource, call: ConstructCall): 'both' | 'one' | 'none' {
  const variable = call.variableName;
  if (!variable) return 'none';
  const name = variable.replace(/[.$]/g, (c) => `\\${c}`).replace(/^this\\\./, 'this\\s*\\.\\s*');
  const text = source.file.getFullText();
  const uses = (member: string) => new RegExp(`(^|[^\\w$.])${name}\\s*\\.\\s*${member}`).test(text);
  if (uses('applyRemovalPolicy\\s*\\(')) return 'both';
  const set = ['deletionPolicy', 'updateReplacePolicy'].filter((p) => uses(`cfnOptions\\s*\\.\\s*${p}\\b`)).length;
  return set === 2 ? 'both' : set === 1 ? 'one' : 'none';
}
