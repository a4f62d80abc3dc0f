/**
 * CDK half. A function without `logRetention` or `logGroup` logs to the group Lambda creates, which
 * keeps logs forever. From aws-cdk-lib 2.110.0 (Lambda advanced logging, aws-cdk PR #28039), where
 * `logRetention` is deprecated, it gets `logGroup: new logs.LogGroup(this, '<id>LogGroup', { retention })`;
 * before that (and in CDK v1), or when the option createFunctionLogGroups is off, `logRetention`.
 * An L2 `logs.LogGroup` needs nothing: its default retention is two years. An L1 `CfnLogGroup` without
 * `retentionInDays` keeps logs forever and gets the configured days.
 */
import { Node } from 'ts-morph';
import type { CdkFindingInput, CdkHalf } from '../../src/transform.js';
import type { CdkSource, ConstructCall } from '../../src/document/cdk/index.js';
import { RETENTION_DAYS_NAMES, type LogRetentionOptions } from './meta.js';

const FUNCTIONS: ReadonlyArray<{ module: string; classes: string[] }> = [
  { module: 'aws-lambda', classes: ['Function', 'SingletonFunction', 'DockerImageFunction'] },
  { module: 'aws-lambda-nodejs', classes: ['NodejsFunction'] },
];
const LOG_GROUP_SINCE: [number, number] = [2, 110];

export const cdk: CdkHalf<LogRetentionOptions> = {
  detect(source, ctx) {
    const options = ctx.options;
    const out: CdkFindingInput[] = [];
    for (const { module, classes } of FUNCTIONS) {
      for (const call of source.findConstructs(module, classes)) {
        if (isExcluded(call, options)) continue;
        const finding = functionFinding(source, call, options);
        if (finding) out.push(finding);
      }
    }
    for (const call of source.findConstructs('aws-logs', 'CfnLogGroup')) {
      if (isExcluded(call, options) || call.propsAreOpaque() || call.getProp('retentionInDays')) continue;
      out.push({
        node: call.expression,
        constructPath: call.constructPath,
        messageId: 'noRetention',
        message: `CfnLogGroup ${call.constructPath} has no retentionInDays, so its logs are kept forever: set ${options.days} days`,
        fix: () => call.setProp('retentionInDays', String(options.days)),
      });
    }
    return out;
  },
};

function functionFinding(source: CdkSource, call: ConstructCall, options: LogRetentionOptions): CdkFindingInput | undefined {
  const base = { node: call.expression, constructPath: call.constructPath, messageId: 'noFunctionLogGroup' };
  const what = `${call.className} ${call.constructPath} logs to /aws/lambda/<name>, which Lambda creates with no retention, so the logs are kept forever`;
  if (call.propsAreOpaque()) {
    return { ...base, message: what, manual: 'its props are not a plain object literal, so stackfix cannot tell whether they set logRetention or logGroup: check them by hand' };
  }
  if (call.getProp('logRetention') || call.getProp('logGroup')) return undefined;
  const retention = RETENTION_DAYS_NAMES.get(options.days)!;
  const [scopeArg, idArg] = call.expression.getArguments();
  if (options.createFunctionLogGroups && source.isAtLeast(...LOG_GROUP_SINCE) && scopeArg && idArg) {
    const scope = scopeArg.getText();
    const id = logGroupIdText(source, idArg);
    return {
      ...base,
      message: `${what}: give it logGroup, a LogGroup with retention ${retention} (new logs go there; the old /aws/lambda group stays, with its logs)`,
      fix: () => {
        const logGroup = source.ensureImport('aws-logs', 'LogGroup');
        const retentionDays = source.ensureImport('aws-logs', 'RetentionDays');
        call.setProp('logGroup', `new ${logGroup}(${scope}, ${id}, { retention: ${retentionDays}.${retention} })`);
      },
    };
  }
  return {
    ...base,
    message: `${what}: set logRetention ${retention} (CDK sets it through a custom resource, whose role cdk-nag reports as AwsSolutions-IAM5)`,
    fix: () => call.setProp('logRetention', `${source.ensureImport('aws-logs', 'RetentionDays')}.${retention}`),
  };
}

/**
 * The new LogGroup's construct id, as code: the function's id with `LogGroup` appended, in the same
 * kind of literal (`'Fn'` → `'FnLogGroup'`, `` `${name}-fn` `` → `` `${name}-fnLogGroup` ``), or a template
 * around any other expression. A number is added when the file already uses that literal id.
 */
function logGroupIdText(source: CdkSource, idArg: Node): string {
  const text = source.file.getFullText();
  if (Node.isStringLiteral(idArg) || Node.isNoSubstitutionTemplateLiteral(idArg) || Node.isTemplateExpression(idArg)) {
    const literal = idArg.getText();
    const [open, body] = [literal[0]!, literal.slice(1, -1)];
    for (let n = 1; ; n++) {
      const candidate = `${open}${body}LogGroup${n === 1 ? '' : n}${open}`;
      if (!text.includes(candidate)) return candidate;
    }
  }
  return `\`\${${idArg.getText()}}LogGroup\``;
}

function isExcluded(call: ConstructCall, options: LogRetentionOptions): boolean {
  return [call.id, call.variableName, call.constructPath].some((name) => name !== undefined && options.exclude.includes(name));
}
