/**
 * CDK: `timeout: Duration.seconds(n)` from the function's expected or observed duration (by construct
 * id, variable name or functionName), capped when an API Gateway Lambda integration invokes it, and
 * the `visibilityTimeout` of an SQS queue that feeds it (`fn.addEventSource(new SqsEventSource(q))`)
 * raised to factor × timeout. Without data nothing is invented: the function is reported.
 */
import { Node, type Expression } from 'ts-morph';
import type { CdkSource, ConstructCall } from '../../src/document/cdk/index.js';
import type { CdkContext, CdkFindingInput, CdkHalf } from '../../src/transform.js';
import { expectedDuration, readMetrics, timeoutFor, type Observed } from './durations.js';
import type { LambdaTimeoutOptions } from './meta.js';

const FUNCTIONS: Array<[module: string, classes: string[]]> = [
  ['aws-lambda', ['Function', 'SingletonFunction']],
  ['aws-lambda-nodejs', ['NodejsFunction']],
];
const DEFAULT_SECONDS = 3;
const SQS_DEFAULT_VISIBILITY = 30;
const MAX_VISIBILITY = 43200;
const SECONDS_PER: Record<string, number> = { millis: 0.001, seconds: 1, minutes: 60, hours: 3600 };

type Ctx = CdkContext<LambdaTimeoutOptions>;

export const cdk: CdkHalf<LambdaTimeoutOptions> = {
  detect(source, ctx) {
    const findings: CdkFindingInput[] = [];
    const observed = loadMetrics(source, ctx, findings);
    for (const fn of FUNCTIONS.flatMap(([module, classes]) => source.findConstructs(module, classes))) {
      findings.push(...functionFindings(source, fn, ctx, observed));
    }
    return findings;
  },
};

function loadMetrics(source: CdkSource, ctx: Ctx, findings: CdkFindingInput[]): Observed | undefined {
  if (!ctx.options.metricsFile) return undefined;
  const text = ctx.files.read(ctx.options.metricsFile);
  const observed = text === undefined ? 'it cannot be read' : readMetrics(text);
  if (typeof observed !== 'string') return observed;
  findings.push({ node: source.file, messageId: 'metricsUnreadable', message: `The metrics file ${ctx.options.metricsFile} is not used: ${observed}.` });
  return undefined;
}

function functionFindings(source: CdkSource, fn: ConstructCall, ctx: Ctx, observed: Observed | undefined): CdkFindingInput[] {
  const where = { node: fn.expression, constructPath: fn.constructPath };
  const name = fn.constructPath;
  if (fn.propsAreOpaque()) return [];
  const current = durationSeconds(source, fn.getProp('timeout'));
  const now = fn.getProp('timeout') ? (current === undefined ? 'a value stackfix cannot read' : `${current} s`) : `absent (Lambda's default ${DEFAULT_SECONDS} s)`;
  const functionName = fn.getProp('functionName');
  const names = [fn.id, fn.variableName, fn.constructPath, functionName && Node.isStringLiteral(functionName) ? functionName.getLiteralValue() : undefined].filter((n): n is string => !!n);
  const expected = expectedDuration(names, ctx.options, observed);
  const queue = feedingQueue(source, fn);
  const findings: CdkFindingInput[] = [];
  const limit = ctx.options.apiGatewayLimitSeconds;
  const api = behindApiGateway(source, fn);
  if (!expected) {
    findings.push({ ...where, messageId: 'timeoutNoData', message: `${name}: no expected duration (expectedMs) or observed one (metricsFile), so its timeout stays ${now}; stackfix does not guess one.` });
    if (api && current !== undefined && current > limit) {
      findings.push({ ...where, messageId: 'timeoutOverApiLimit', message: `${name} is invoked synchronously by API Gateway, which stops waiting after ${limit} s, but its timeout is ${current} s.` });
    }
    const queueFix = queue && queueUpdate(source, queue, current ?? (fn.getProp('timeout') ? undefined : DEFAULT_SECONDS), ctx.options);
    if (queueFix) findings.push({ node: queue.expression, constructPath: queue.constructPath, messageId: 'queueVisibilityRaised', message: queueFix.message, fix: queueFix.apply });
    return findings;
  }
  const needed = timeoutFor(expected.ms, ctx.options);
  const target = api ? Math.min(needed, limit) : needed;
  if (api && needed > limit) {
    findings.push({
      ...where,
      messageId: 'timeoutNeedsMoreThanApi',
      message: `${name} needs ${needed} s (from ${expected.source}) but API Gateway invokes it synchronously and waits at most ${limit} s.`,
      manual: 'Its timeout is capped at the integration limit. Make the work asynchronous (a queue, Step Functions) or raise the integration timeout quota of the REST API, then the timeout.',
    });
  }
  const queueFix = queue && queueUpdate(source, queue, target, ctx.options);
  if (current === target && fn.getProp('timeout')) {
    if (queueFix) findings.push({ node: queue.expression, constructPath: queue.constructPath, messageId: 'queueVisibilityRaised', message: queueFix.message, fix: queueFix.apply });
    return findings;
  }
  const cap = target < needed ? ` (capped at API Gateway's ${limit} s)` : '';
  findings.push({
    ...where,
    messageId: 'timeoutSet',
    message: [`${name}: timeout ${now} → ${target} s${cap}, from ${expected.source} × ${ctx.options.safetyFactor}.`, ...(queueFix ? [queueFix.message] : [])].join(' '),
    fix: () => {
      fn.setProp('timeout', `${source.ensureImport('core', 'Duration')}.seconds(${target})`);
      queueFix?.apply();
    },
  });
  return findings;
}

/** `Duration.seconds(30)`, `cdk.Duration.minutes(5)`, … in seconds; undefined when not written so. */
function durationSeconds(source: CdkSource, value: Expression | undefined): number | undefined {
  if (!value || !Node.isCallExpression(value)) return undefined;
  const ref = source.resolveReference(value.getExpression());
  const [arg] = value.getArguments();
  const per = ref?.module === 'core' && ref.path[0] === 'Duration' ? SECONDS_PER[ref.path[1] ?? ''] : undefined;
  return per !== undefined && arg && Node.isNumericLiteral(arg) ? arg.getLiteralValue() * per : undefined;
}

/** Is the function's variable handed to an API Gateway Lambda integration (REST or HTTP)? */
function behindApiGateway(source: CdkSource, fn: ConstructCall): boolean {
  const variable = fn.variableName;
  if (!variable) return false;
  const integrations = [
    ...source.findConstructs('aws-apigateway', 'LambdaIntegration').map((c) => c.expression.getArguments()[0]),
    ...source.findConstructs('aws-apigateway', 'LambdaRestApi').map((c) => c.getProp('handler')),
    ...source.findConstructs('aws-apigatewayv2-integrations', 'HttpLambdaIntegration').map((c) => c.expression.getArguments()[1]),
  ];
  return integrations.some((arg) => arg?.getText() === variable);
}

/** The `sqs.Queue` of `fn.addEventSource(new SqsEventSource(queue, …))`, when both are in this file. */
function feedingQueue(source: CdkSource, fn: ConstructCall): ConstructCall | undefined {
  const variable = fn.variableName;
  if (!variable) return undefined;
  for (const eventSource of source.findConstructs('aws-lambda-event-sources', 'SqsEventSource')) {
    const call = eventSource.expression.getParent();
    const callee = Node.isCallExpression(call) ? call.getExpression() : undefined;
    if (!callee || !Node.isPropertyAccessExpression(callee) || callee.getName() !== 'addEventSource' || callee.getExpression().getText() !== variable) continue;
    const queueText = eventSource.expression.getArguments()[0]?.getText();
    return source.findConstructs('aws-sqs', 'Queue').find((q) => q.variableName === queueText);
  }
  return undefined;
}

function queueUpdate(source: CdkSource, queue: ConstructCall, timeout: number | undefined, options: LambdaTimeoutOptions): { message: string; apply: () => void } | undefined {
  if (timeout === undefined || queue.propsAreOpaque()) return undefined;
  const written = queue.getProp('visibilityTimeout');
  const current = written ? durationSeconds(source, written) : SQS_DEFAULT_VISIBILITY;
  const required = options.sqsVisibilityFactor * timeout;
  if (current === undefined || current >= required || required > MAX_VISIBILITY) return undefined;
  return {
    message: `${queue.constructPath} feeds it: its visibilityTimeout goes from ${current} s to ${required} s (${options.sqsVisibilityFactor} × ${timeout} s), or messages reappear while the function still works on them.`,
    apply: () => queue.setProp('visibilityTimeout', `${source.ensureImport('core', 'Duration')}.seconds(${required})`),
  };
}
