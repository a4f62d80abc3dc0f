import type { TransformMeta } from '../../src/transform.js';

export interface DdbPitrOptions {
  /** Logical ids (CloudFormation) or construct ids / variable names (CDK) to leave alone. */
  exclude: string[];
}

export const meta: TransformMeta = {
  id: 'ddb-pitr',
  title: 'Enable DynamoDB point-in-time recovery',
  failure:
    'A DynamoDB table (or a global table replica) has no point-in-time recovery, so a bad write or delete cannot be ' +
    'undone: there is no continuous backup to restore from.',
  docsUrl: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery.html',
  seeAlso: ['AwsSolutions-DDB3', 'HIPAA.Security-DynamoDBPITREnabled', 'NIST.800.53.R5-DynamoDBPITREnabled', 'CKV_AWS_28'],
  options: {
    exclude: {
      type: 'string[]',
      default: [],
      description: 'Logical ids (CloudFormation) or construct ids / variable names (CDK) of tables to leave alone (scratch or cache tables, say).',
    },
  },
};
