/**
 * CloudFormation and SAM: set each function's Timeout from its expected or observed duration, capped
 * where API Gateway waits for it, and keep every SQS queue that feeds it invisible long enough.
 * Without data nothing is invented: the function is reported and keeps its timeout.
 */
import type { Operation } from 'fast-json-patch';
import type { Template } from '../../src/document/cfn/index.js';
import type { CfnContext, CfnFindingInput, CfnHalf } from '../../src/transform.js';
import { addProperty, pointer, resourcesOfType, samGlobals, type ResourceRef } from '../_shared/cfn.js';
import { expectedDuration, readMetrics, timeoutFor, type Expected, type Observed } from './durations.js';
import type { LambdaTimeoutOptions } from './meta.js';
import { behindApiGateway, feedingQueues, literalSeconds, type QueueSource } from './triggers.js';

/** Lambda's own default when no Timeout is set. */
const DEFAULT_SECONDS = 3;
/** The longest VisibilityTimeout SQS accepts (12 hours). */
const MAX_VISIBILITY = 43200;
const SQS_DEFAULT_VISIBILITY = 30;

interface Plan {
  fn: ResourceRef;
  /** Timeout as deployed (SAM Globals merged), in seconds; undefined when only known at deploy time. */
  currentSeconds: number | undefined;
  /** Is a Timeout written anywhere (the function or SAM Globals)? */
  explicit: boolean;
  expected?: Expected;
  /** The timeout to set, when there is data and the value can be written. */
  target?: number;
  api: boolean;
  queues: QueueSource[];
}

type Ctx = CfnContext<LambdaTimeoutOptions>;

export const cfn: CfnHalf<LambdaTimeoutOptions> = {
  detect(template, ctx) {
    const findings: CfnFindingInput[] = [];
    const observed = loadMetrics(ctx, findings);
    const plans = resourcesOfType(template, 'AWS::Lambda::Function', 'AWS::Serverless::Function').map((fn) => planFor(template, fn, ctx, observed));
    const queueOps = queueUpdates(template, plans, ctx, findings);
    const queuesCovered = new Set<string>();
    for (const plan of plans) findings.push(...functionFindings(plan, ctx, queueOps, queuesCovered));
    for (const [queueId, update] of queueOps) {
      if (!queuesCovered.has(queueId)) findings.push({ pointer: pointer('Resources', queueId), logicalId: queueId, messageId: 'queueVisibilityRaised', message: update.message, fix: [update.op] });
    }
    return findings;
  },
};

function loadMetrics(ctx: Ctx, findings: CfnFindingInput[]): Observed | undefined {
  if (!ctx.options.metricsFile) return undefined;
  const text = ctx.files.read(ctx.options.metricsFile);
  const observed = text === undefined ? `it cannot be read` : readMetrics(text);
  if (typeof observed !== 'string') return observed;
  findings.push({ pointer: '', messageId: 'metricsUnreadable', message: `The metrics file ${ctx.options.metricsFile} is not used: ${observed}.` });
  return undefined;
}

function planFor(template: Template, fn: ResourceRef, ctx: Ctx, observed: Observed | undefined): Plan {
  const globals = fn.type === 'AWS::Serverless::Function' ? samGlobals(template, 'Function') : {};
  const timeout = fn.properties.Timeout ?? globals.Timeout;
  const currentSeconds = timeout === undefined ? DEFAULT_SECONDS : literalSeconds(timeout);
  const names = [fn.logicalId, ...(typeof fn.properties.FunctionName === 'string' ? [fn.properties.FunctionName] : [])];
  const expected = expectedDuration(names, ctx.options, observed);
  const api = behindApiGateway(template, fn);
  const ownIsIntrinsic = fn.properties.Timeout !== undefined && literalSeconds(fn.properties.Timeout) === undefined;
  let target: number | undefined;
  if (expected && !ownIsIntrinsic) {
    const needed = timeoutFor(expected.ms, ctx.options);
    target = api ? Math.min(needed, ctx.options.apiGatewayLimitSeconds) : needed;
  }
  return { fn, currentSeconds, explicit: timeout !== undefined, expected, target, api, queues: feedingQueues(template, fn) };
}

/** The timeout the function will have after this run: the target, else what it has now. */
function effectiveSeconds(plan: Plan): number | undefined {
  return plan.target ?? plan.currentSeconds;
}

interface QueueUpdate {
  op: Operation;
  message: string;
}

/** Per queue in the template: raise VisibilityTimeout to factor × the longest timeout it feeds, when short. */
function queueUpdates(template: Template, plans: Plan[], ctx: Ctx, findings: CfnFindingInput[]): Map<string, QueueUpdate> {
  const factor = ctx.options.sqsVisibilityFactor;
  const byQueue = new Map<string, Plan[]>();
  for (const plan of plans) {
    for (const queue of plan.queues) {
      if (queue.queueId) byQueue.set(queue.queueId, [...(byQueue.get(queue.queueId) ?? []), plan]);
      else if (effectiveSeconds(plan) !== undefined) {
        findings.push({
          pointer: pointer('Resources', plan.fn.logicalId),
          logicalId: plan.fn.logicalId,
          messageId: 'queueOutsideTemplate',
          message: `${plan.fn.logicalId} is fed by the SQS queue ${queue.label}, which is not in this template.`,
          manual: `Check that its VisibilityTimeout is at least ${factor * effectiveSeconds(plan)!} s (${factor} × the function's ${effectiveSeconds(plan)} s timeout).`,
        });
      }
    }
  }
  const updates = new Map<string, QueueUpdate>();
  for (const [queueId, feeding] of byQueue) {
    const where = { pointer: pointer('Resources', queueId), logicalId: queueId };
    const timeouts = feeding.map(effectiveSeconds);
    if (timeouts.some((t) => t === undefined)) continue;
    const longest = Math.max(...(timeouts as number[]));
    const required = factor * longest;
    const queue = resourcesOfType(template, 'AWS::SQS::Queue').find((q) => q.logicalId === queueId)!;
    const visibility = queue.properties.VisibilityTimeout;
    const current = visibility === undefined ? SQS_DEFAULT_VISIBILITY : literalSeconds(visibility);
    const why = `${queueId} feeds ${feeding.map((p) => p.fn.logicalId).join(', ')}; its VisibilityTimeout must be at least ${factor} × ${longest} s = ${required} s, or messages reappear while a function still works on them`;
    if (current === undefined) {
      findings.push({ ...where, messageId: 'queueVisibilityUnknown', message: `${why}.`, manual: 'Its VisibilityTimeout is only known at deploy time; check it.' });
    } else if (current < required && required > MAX_VISIBILITY) {
      findings.push({ ...where, messageId: 'queueVisibilityTooLong', message: `${why}.`, manual: `SQS allows at most ${MAX_VISIBILITY} s; shorten the function's timeout or its batch.` });
    } else if (current < required) {
      updates.set(queueId, {
        op: addProperty(queue, 'VisibilityTimeout', required),
        message: `${why}: raised from ${current} s to ${required} s.`,
      });
    }
  }
  return updates;
}

function functionFindings(plan: Plan, ctx: Ctx, queueOps: Map<string, QueueUpdate>, queuesCovered: Set<string>): CfnFindingInput[] {
  const id = plan.fn.logicalId;
  const where = { pointer: pointer('Resources', id), logicalId: id };
  const limit = ctx.options.apiGatewayLimitSeconds;
  const now = plan.explicit ? `${plan.currentSeconds ?? 'a deploy-time value'} s` : `absent (Lambda's default ${DEFAULT_SECONDS} s)`;
  const findings: CfnFindingInput[] = [];
  if (!plan.expected) {
    findings.push({ ...where, messageId: 'timeoutNoData', message: `${id}: no expected duration (expectedMs) or observed one (metricsFile), so its Timeout stays ${now}; stackfix does not guess one.` });
    if (plan.api && plan.currentSeconds !== undefined && plan.currentSeconds > limit) {
      findings.push({ ...where, messageId: 'timeoutOverApiLimit', message: `${id} is invoked synchronously by API Gateway, which stops waiting after ${limit} s, but its Timeout is ${plan.currentSeconds} s.` });
    }
    return findings;
  }
  const needed = timeoutFor(plan.expected.ms, ctx.options);
  if (plan.target === undefined) {
    findings.push({ ...where, messageId: 'timeoutParameter', message: `${id} needs a Timeout of ${needed} s (from ${plan.expected.source}).`, manual: 'Its Timeout is set by an intrinsic function (a parameter?); set that value instead.' });
    return findings;
  }
  if (plan.api && needed > limit) {
    findings.push({
      ...where,
      messageId: 'timeoutNeedsMoreThanApi',
      message: `${id} needs ${needed} s (from ${plan.expected.source}) but API Gateway invokes it synchronously and waits at most ${limit} s.`,
      manual: 'Its Timeout is capped at the integration limit. Make the work asynchronous (a queue, Step Functions) or raise the integration timeout quota of the REST API, then the Timeout.',
    });
  }
  const ownTimeout = literalSeconds(plan.fn.properties.Timeout);
  const changes = ownTimeout !== undefined ? ownTimeout !== plan.target : plan.currentSeconds !== plan.target || !plan.explicit;
  if (!changes) return findings;
  const ops: Operation[] = [addProperty(plan.fn, 'Timeout', plan.target)];
  const queueNotes: string[] = [];
  for (const queue of plan.queues) {
    const update = queue.queueId ? queueOps.get(queue.queueId) : undefined;
    if (!update) continue;
    ops.push(update.op);
    queueNotes.push(update.message);
    queuesCovered.add(queue.queueId!);
  }
  const cap = plan.target < needed ? ` (capped at API Gateway's ${limit} s)` : '';
  findings.push({
    ...where,
    messageId: 'timeoutSet',
    message: [`${id}: Timeout ${now} → ${plan.target} s${cap}, from ${plan.expected.source} × ${ctx.options.safetyFactor}.`, ...queueNotes].join(' '),
    fix: ops,
  });
  return findings;
}

