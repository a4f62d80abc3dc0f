import type { TransformMeta } from '../../src/transform.js';
import retentionDays from './data/retention-days.json' with { type: 'json' };

export interface LogRetentionOptions {
  /** Retention for log groups that have none, in days: one of CLOUDWATCH_RETENTION_DAYS. */
  days: number;
  /** Give functions without a log group of their own an explicit one (CloudFormation; CDK: `logGroup`). */
  createFunctionLogGroups: boolean;
  /** Logical ids (CloudFormation) or construct ids / variable names (CDK) to leave alone. */
  exclude: string[];
}

/** Days CloudWatch Logs accepts as a retention period → aws-cdk-lib's `logs.RetentionDays` member. */
export const RETENTION_DAYS_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(retentionDays)
    .filter(([days]) => /^\d+$/.test(days))
    .map(([days, name]) => [Number(days), name]),
);

export const meta: TransformMeta = {
  id: 'log-retention',
  title: 'Give log groups a retention period',
  failure:
    'A CloudWatch log group has no retention period, or a Lambda function has no log group of its own (Lambda then ' +
    'creates /aws/lambda/<name> itself): the logs are kept, and billed, forever.',
  docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html',
  seeAlso: [
    'Serverless-CloudWatchLogGroupRetentionPeriod',
    'HIPAA.Security-CloudWatchLogGroupRetentionPeriod',
    'NIST.800.53.R5-CloudWatchLogGroupRetentionPeriod',
    'CKV_AWS_66',
  ],
  options: {
    days: {
      type: 'number',
      default: 14,
      description: 'Retention, in days, for log groups that have none. CloudWatch accepts only the listed values.',
      enum: [...RETENTION_DAYS_NAMES.keys()],
    },
    createFunctionLogGroups: {
      type: 'boolean',
      default: true,
      description:
        'Add an AWS::Logs::LogGroup named /aws/lambda/<function> for each function that has none. Turn off for stacks ' +
        'already deployed whose functions have run: their /aws/lambda/<function> group exists and creating it again fails.',
    },
    exclude: {
      type: 'string[]',
      default: [],
      description: 'Logical ids (CloudFormation) or construct ids / variable names (CDK) of log groups and functions to leave alone.',
    },
  },
};
