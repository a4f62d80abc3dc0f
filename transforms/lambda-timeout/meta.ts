import type { TransformMeta } from '../../src/transform.js';

export interface LambdaTimeoutOptions {
  expectedMs: Record<string, number>;
  metricsFile: string;
  safetyFactor: number;
  minSeconds: number;
  maxSeconds: number;
  apiGatewayLimitSeconds: number;
  sqsVisibilityFactor: number;
}

export const meta: TransformMeta = {
  id: 'lambda-timeout',
  title: 'Set each Lambda timeout from what the function needs',
  failure:
    'A Lambda timeout is the 3 s default or a habitual value (15 s) rather than what the function needs; behind API Gateway it may exceed the integration limit, and an SQS queue must keep messages invisible longer than the function may run.',
  docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html',
  seeAlso: ['Serverless-LambdaDefaultTimeout', 'LambdaEventSourceSQSVisibilityTimeout'],
  options: {
    expectedMs: {
      type: 'record',
      default: {},
      description: 'Expected duration in milliseconds per function, by logical id, FunctionName or CDK construct id/variable name. Wins over metricsFile.',
    },
    metricsFile: {
      type: 'string',
      default: '',
      description:
        'Observed durations, relative to the template: the JSON that `aws cloudwatch get-metric-data` prints for AWS/Lambda Duration (p99 or Maximum; each result\'s Label set to the function name or logical id), or an object mapping function names to `aws cloudwatch get-metric-statistics` output. The largest value per function is used.',
    },
    safetyFactor: {
      type: 'number',
      default: 1.5,
      min: 1,
      description: 'Timeout = expected duration × this factor, rounded up to whole seconds.',
    },
    minSeconds: { type: 'number', default: 3, min: 1, max: 900, description: 'Lowest timeout set (Lambda\'s own default is 3 s).' },
    maxSeconds: { type: 'number', default: 900, min: 1, max: 900, description: 'Highest timeout set (Lambda allows 900 s).' },
    apiGatewayLimitSeconds: {
      type: 'number',
      default: 29,
      min: 1,
      description:
        'Integration timeout of API Gateway: a function API Gateway invokes synchronously gets at most this, and is reported when it needs more (the default 29 s can be raised for REST APIs by a quota request).',
    },
    sqsVisibilityFactor: {
      type: 'number',
      default: 6,
      min: 1,
      description: "An SQS queue feeding a function needs VisibilityTimeout >= this factor × the function's timeout (AWS recommends 6).",
    },
  },
};
