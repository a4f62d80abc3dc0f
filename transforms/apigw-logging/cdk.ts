/**
 * apigw-logging, CDK: a REST API's `deployOptions` (or a `Stage`'s props) get `loggingLevel`,
 * `metricsEnabled`, `dataTraceEnabled` and an access log (`accessLogDestination` to a new log group,
 * `accessLogFormat: AccessLogFormat.jsonWithStandardFields()`); the first REST API of the file gets
 * `cloudWatchRole: true`, which CDK turned off by default behind the
 * `@aws-cdk/aws-apigateway:disableCloudWatchRole` flag (2.38.0), so that execution logging deploys.
 */
import { SyntaxKind, type Expression } from 'ts-morph';
import type { CdkSource, ConstructCall } from '../../src/document/cdk/index.js';
import type { CdkFindingInput, CdkHalf } from '../../src/transform.js';
import { REST_API_CLASSES, booleanOption, getOption, setOptions, stageOptionsSites, type StageOptionsSite } from '../_shared/apigw/cdk-stage-options.js';
import type { LoggingOptions } from './meta.js';
import { RETENTION_DAYS_MEMBER } from './retention-days.js';

/** aws-cdk-lib 2.94.0 added `cloudWatchRoleRemovalPolicy` (aws-cdk PR #26836); RETAIN before and after by default. */
const ROLE_REMOVAL_POLICY_SINCE: [number, number] = [2, 94];

type Site = Extract<StageOptionsSite, { inDeployOptions: boolean }>;

export const cdk: CdkHalf<LoggingOptions> = {
  detect(source, ctx) {
    const options = ctx.options;
    const findings: CdkFindingInput[] = [];
    let role = accountRolePlan(source, options);
    for (const site of stageOptionsSites(source)) {
      const name = `${site.call.className} ${site.call.constructPath}`;
      const where = { node: site.call.expression, constructPath: site.call.constructPath };
      if ('manual' in site) {
        findings.push({ ...where, messageId: site.stageElsewhere ? 'stageElsewhere' : 'loggingUnreadable', message: `${name}: cannot tell whether logging is on.`, manual: site.manual });
        continue;
      }
      const execution = executionLogging(source, site, name, options, role);
      if (execution) {
        findings.push(execution);
        // One account role per file: only the first fix writes it.
        if (execution.fix) role = { ...role, write: undefined };
      }
      const access = accessLogging(source, site, name, options);
      if (access) findings.push(access);
    }
    for (const module of ['aws-apigatewayv2', 'aws-apigatewayv2-alpha']) {
      findings.push(...source.findConstructs(module, ['HttpApi', 'WebSocketApi', 'HttpStage', 'WebSocketStage']).map(v2ByHand));
    }
    return findings;
  },
};

/** Whether and where the account's CloudWatch role is turned on (`cloudWatchRole: true` on a REST API of the file). */
interface RolePlan {
  /** The REST API that gets `cloudWatchRole: true` (and its removal policy), if one must. */
  write?: ConstructCall;
  note: string;
}

function accountRolePlan(source: CdkSource, options: LoggingOptions): RolePlan {
  if (!options.createAccountRole) return { note: 'It relies on the CloudWatch role already set for API Gateway in the account (createAccountRole: false).' };
  const apis = source.findConstructs('aws-apigateway', REST_API_CLASSES).filter((call) => !call.propsAreOpaque());
  const withRole = apis.find((call) => booleanOption(call.getProp('cloudWatchRole')) === 'ok');
  if (withRole) return { note: `${withRole.constructPath} sets the account's CloudWatch role (cloudWatchRole: true).` };
  const off = apis.find((call) => call.getProp('cloudWatchRole') !== undefined);
  if (off) return { note: `${off.constructPath} sets cloudWatchRole to ${off.getProp('cloudWatchRole')!.getText()}: the account must already have API Gateway's CloudWatch role.` };
  if (apis.length === 0) return { note: "No REST API construct in this file sets cloudWatchRole: the account must have API Gateway's CloudWatch role." };
  return { write: apis[0], note: `${apis[0]!.constructPath} now sets the account's CloudWatch role (cloudWatchRole: true; one per account and region, the last stack to set it wins).` };
}

function executionLogging(source: CdkSource, site: Site, name: string, options: LoggingOptions, role: RolePlan): CdkFindingInput | undefined {
  const where = { node: site.call.expression, constructPath: site.call.constructPath };
  const level = loggingLevel(source, getOption(site, 'loggingLevel'));
  if (level === 'ok') return undefined;
  if (level === 'unknown') {
    return { ...where, messageId: 'loggingComputed', message: `${name}: the logging level is computed.`, manual: 'loggingLevel is not a MethodLoggingLevel member: make sure it is INFO or ERROR' };
  }
  const writes: Array<[string, () => string]> = [['loggingLevel', () => `${source.ensureImport('aws-apigateway', 'MethodLoggingLevel')}.${options.loggingLevel}`]];
  if (!getOption(site, 'metricsEnabled')) writes.push(['metricsEnabled', () => String(options.metricsEnabled)]);
  if (!getOption(site, 'dataTraceEnabled')) writes.push(['dataTraceEnabled', () => String(options.dataTraceEnabled)]);
  const roleApi = role.write;
  const removalPolicy = options.accountRoleDeletionPolicy === 'Delete' && source.isAtLeast(...ROLE_REMOVAL_POLICY_SINCE);
  return {
    ...where,
    messageId: 'executionLoggingOff',
    message: `${name}: execution logging on for all methods (${writes.map(([option]) => option).join(', ')}). ${
      options.dataTraceEnabled ? 'dataTraceEnabled is on: full requests and responses, tokens and personal data included, go to CloudWatch Logs.' : 'dataTraceEnabled stays off: on, it would log full requests and responses, tokens and personal data included.'
    } ${role.note}`,
    fix: () => {
      setOptions(source, site, writes.map(([option, text]) => [option, text()]));
      if (!roleApi) return;
      roleApi.setProp('cloudWatchRole', 'true');
      if (removalPolicy) roleApi.setProp('cloudWatchRoleRemovalPolicy', `${source.ensureImport('core', 'RemovalPolicy')}.DESTROY`);
    },
  };
}

/** `MethodLoggingLevel.INFO` / `.ERROR` is on; absent or `.OFF` is off; anything else is unknown. */
function loggingLevel(source: CdkSource, value: Expression | undefined): 'ok' | 'off' | 'unknown' {
  if (!value) return 'off';
  const reference = source.resolveReference(value);
  if (reference?.module !== 'aws-apigateway' || reference.path[0] !== 'MethodLoggingLevel') return 'unknown';
  return reference.path[1] === 'INFO' || reference.path[1] === 'ERROR' ? 'ok' : reference.path[1] === 'OFF' ? 'off' : 'unknown';
}

function accessLogging(source: CdkSource, site: Site, name: string, options: LoggingOptions): CdkFindingInput | undefined {
  if (getOption(site, 'accessLogDestination')) return undefined; // CDK writes the Common Log Format when no format is given
  const logGroupId = unusedId(source, `${site.call.id ?? site.call.variableName?.replace(/^this\./, '') ?? 'Api'}AccessLogs`);
  const scope = site.call.expression.getArguments()[0]?.getText() ?? 'this';
  const writes: Array<[string, () => string]> = [['accessLogDestination', () => logDestination(source, scope, logGroupId, options)]];
  if (!getOption(site, 'accessLogFormat')) writes.push(['accessLogFormat', () => `${source.ensureImport('aws-apigateway', 'AccessLogFormat')}.jsonWithStandardFields()`]);
  return {
    node: site.call.expression,
    constructPath: site.call.constructPath,
    messageId: 'accessLoggingOff',
    message: `${name}: access logs on, one JSON line per request with the standard fields, into the new log group ${logGroupId} (${options.retentionInDays} days retention).`,
    fix: () => setOptions(source, site, writes.map(([option, text]) => [option, text()])),
  };
}

/** `new LogGroupLogDestination(new logs.LogGroup(this, 'ApiAccessLogs', { retention: … }))`. */
function logDestination(source: CdkSource, scope: string, id: string, options: LoggingOptions): string {
  const quote = source.style.quote;
  const props = [`retention: ${source.ensureImport('aws-logs', 'RetentionDays')}.${RETENTION_DAYS_MEMBER[options.retentionInDays]}`];
  // CDK retains log groups by default; only the opposite choice is written.
  if (options.logGroupDeletionPolicy === 'Delete') props.push(`removalPolicy: ${source.ensureImport('core', 'RemovalPolicy')}.DESTROY`);
  const logGroup = `new ${source.ensureImport('aws-logs', 'LogGroup')}(${scope}, ${quote}${id}${quote}, { ${props.join(', ')} })`;
  return `new ${source.ensureImport('aws-apigateway', 'LogGroupLogDestination')}(${logGroup})`;
}

/** `base`, or `base2`, `base3`… when the file already has that string (a construct id, most likely). */
function unusedId(source: CdkSource, base: string): string {
  const taken = new Set(source.file.getDescendantsOfKind(SyntaxKind.StringLiteral).map((literal) => literal.getLiteralValue()));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}${i}`)) return `${base}${i}`;
}

function v2ByHand(call: ConstructCall): CdkFindingInput {
  return {
    node: call.expression,
    constructPath: call.constructPath,
    messageId: 'v2AccessLogByHand',
    message: `${call.className} ${call.constructPath}: access logs of HTTP and WebSocket API stages are not written into CDK code.`,
    manual: /Stage$/.test(call.className)
      ? 'add accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(logGroup), format: apigw.AccessLogFormat.jsonWithStandardFields() } to the stage props'
      : "the API's default stage takes no access log settings: create the stage with an HttpStage/WebSocketStage that has accessLogSettings",
  };
}
