import type { TransformMeta } from '../../src/transform.js';
import { RETENTION_DAYS_MEMBER } from './retention-days.js';

export interface LoggingOptions {
  loggingLevel: 'INFO' | 'ERROR';
  metricsEnabled: boolean;
  dataTraceEnabled: boolean;
  retentionInDays: number;
  createAccountRole: boolean;
  accountRoleDeletionPolicy: 'Retain' | 'Delete';
  logGroupDeletionPolicy: 'Retain' | 'Delete';
}

/** The values CloudWatch Logs accepts for `RetentionInDays`. */
const RETENTION_DAYS = Object.keys(RETENTION_DAYS_MEMBER).map(Number);

export const meta: TransformMeta = {
  id: 'apigw-logging',
  title: 'Turn on API Gateway execution and access logging',
  failure: 'An API Gateway stage writes no access logs, or (REST) no execution logs, so requests cannot be traced or audited',
  docsUrl: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html',
  seeAlso: [
    'AwsSolutions-APIG1',
    'AwsSolutions-APIG6',
    'Serverless-APIGWAccessLogging',
    'HIPAA.Security-APIGWExecutionLoggingEnabled',
    'NIST.800.53.R5-APIGWExecutionLoggingEnabled',
    'CKV_AWS_76',
    'CKV_AWS_95',
  ],
  options: {
    loggingLevel: {
      type: 'string',
      default: 'INFO',
      enum: ['INFO', 'ERROR'],
      description: 'Execution logging level written for all methods of a REST stage that logs nothing (or OFF).',
    },
    metricsEnabled: {
      type: 'boolean',
      default: true,
      description: 'MetricsEnabled written with the logging level (per-method CloudWatch metrics; they cost per metric).',
    },
    dataTraceEnabled: {
      type: 'boolean',
      default: false,
      description:
        'DataTraceEnabled written with the logging level. On, API Gateway logs full requests and responses: tokens, personal data and secrets in payloads end up in CloudWatch Logs.',
    },
    retentionInDays: {
      type: 'number',
      default: 14,
      enum: RETENTION_DAYS,
      description: 'RetentionInDays of the access log groups stackfix creates.',
    },
    logGroupDeletionPolicy: {
      type: 'string',
      default: 'Retain',
      enum: ['Retain', 'Delete'],
      description: 'DeletionPolicy and UpdateReplacePolicy of the access log groups stackfix creates (access logs are audit data; CDK retains log groups too).',
    },
    createAccountRole: {
      type: 'boolean',
      default: true,
      description:
        'Add an AWS::ApiGateway::Account with a CloudWatch role when the template has none (execution logging fails without it). Turn off when the account already has one.',
    },
    accountRoleDeletionPolicy: {
      type: 'string',
      default: 'Retain',
      enum: ['Retain', 'Delete'],
      description:
        'DeletionPolicy of the account role and AWS::ApiGateway::Account stackfix adds. The setting is account-wide: deleting the stack would break logging of every API in the region (CDK retains them too).',
    },
  },
};
