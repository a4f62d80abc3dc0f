/**
 * What a function really needs: a duration the user states (`expectedMs`), else the longest one
 * CloudWatch observed, read from the JSON that the AWS CLI prints. Shared by both halves.
 */
import type { LambdaTimeoutOptions } from './meta.js';

/** Observed durations in milliseconds by the name the file gives each function. */
export type Observed = Map<string, number>;

const TO_MS: Record<string, number> = { Milliseconds: 1, Seconds: 1000, Microseconds: 0.001 };

/**
 * Read `get-metric-data` output (`MetricDataResults[].Label` → max of `Values`) or an object of
 * `get-metric-statistics` outputs by function name (max over `Datapoints` of p99/any extended
 * statistic, else Maximum, in the datapoint's unit). A string result says why it cannot be read.
 */
export function readMetrics(text: string): Observed | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return `it is not JSON (${(error as Error).message})`;
  }
  if (!isObject(json)) return 'it is not a JSON object';
  const observed: Observed = new Map();
  if (Array.isArray(json.MetricDataResults)) {
    for (const result of json.MetricDataResults) {
      if (!isObject(result) || typeof result.Label !== 'string' || !Array.isArray(result.Values)) continue;
      const values = result.Values.filter((v): v is number => typeof v === 'number');
      if (values.length > 0) keepMax(observed, result.Label.trim(), Math.max(...values));
    }
    return observed;
  }
  for (const [name, output] of Object.entries(json)) {
    if (!isObject(output) || !Array.isArray(output.Datapoints)) continue;
    for (const point of output.Datapoints) {
      const ms = datapointMs(point);
      if (ms !== undefined) keepMax(observed, name, ms);
    }
  }
  if (observed.size === 0) return 'it holds neither get-metric-data MetricDataResults nor get-metric-statistics Datapoints by function name';
  return observed;
}

function datapointMs(point: unknown): number | undefined {
  if (!isObject(point)) return undefined;
  const extended = isObject(point.ExtendedStatistics) ? Object.values(point.ExtendedStatistics).filter((v): v is number => typeof v === 'number') : [];
  const value = extended.length > 0 ? Math.max(...extended) : typeof point.Maximum === 'number' ? point.Maximum : undefined;
  const factor = TO_MS[typeof point.Unit === 'string' ? point.Unit : 'Milliseconds'];
  return value === undefined || factor === undefined ? undefined : value * factor;
}

function keepMax(observed: Observed, name: string, ms: number): void {
  observed.set(name, Math.max(observed.get(name) ?? 0, ms));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export interface Expected {
  ms: number;
  /** `expectedMs.MyFunction` or `p99 in metrics.json`, for the message. */
  source: string;
}

/** The first of the function's names that has a duration, from the options before the metrics. */
export function expectedDuration(names: string[], options: LambdaTimeoutOptions, observed: Observed | undefined): Expected | undefined {
  for (const name of names) {
    const ms = options.expectedMs[name];
    if (typeof ms === 'number' && ms > 0) return { ms, source: `expectedMs.${name} (${ms} ms)` };
  }
  for (const name of names) {
    const ms = observed?.get(name);
    if (ms !== undefined && ms > 0) return { ms, source: `${options.metricsFile} (${Math.round(ms)} ms observed for ${name})` };
  }
  return undefined;
}

/** expected × safety factor, rounded up to whole seconds, within [minSeconds, maxSeconds]. */
export function timeoutFor(expectedMs: number, options: LambdaTimeoutOptions): number {
  const seconds = Math.ceil((expectedMs * options.safetyFactor) / 1000);
  return Math.min(options.maxSeconds, Math.max(options.minSeconds, seconds));
}
