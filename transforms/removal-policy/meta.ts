import type { TransformMeta } from '../../src/transform.js';

export interface RemovalPolicyOptions {
  /** Snapshot instead of Retain for the types CloudFormation can snapshot. */
  useSnapshot: boolean;
  /** The stack is disposable (dev): Delete everywhere. */
  disposable: boolean;
  /** CDK: write removalPolicy even where the construct's default already keeps the data. */
  explicit: boolean;
  /** Logical ids (CloudFormation) or construct ids / variable names (CDK) to leave alone. */
  exclude: string[];
  /** More resource types to treat as stateful. */
  extraTypes: string[];
}

export const meta: TransformMeta = {
  id: 'removal-policy',
  title: 'Keep the data of stateful resources on delete and replace',
  failure:
    'A stateful resource (table, bucket, key, log group, database, file system, …) has no DeletionPolicy or no ' +
    'UpdateReplacePolicy, so CloudFormation deletes it, data included, when it leaves the template or is replaced.',
  docsUrl: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html',
  seeAlso: ['cfn-lint I3011', 'cfn-lint W3011'],
  options: {
    useSnapshot: {
      type: 'boolean',
      default: true,
      description: 'Use Snapshot (a final backup, then delete) instead of Retain for the types CloudFormation can snapshot (RDS, DocumentDB, Neptune, ElastiCache, Redshift, EBS volumes).',
    },
    disposable: {
      type: 'boolean',
      default: false,
      description: 'The stack is disposable (a dev stack): write Delete, so that deleting the stack removes everything.',
    },
    explicit: {
      type: 'boolean',
      default: false,
      description: 'CDK: also write removalPolicy on constructs whose default already keeps the data (Table, Bucket, Key, LogGroup, …).',
    },
    exclude: {
      type: 'string[]',
      default: [],
      description: 'Logical ids (CloudFormation) or construct ids / variable names (CDK) to leave alone.',
    },
    extraTypes: {
      type: 'string[]',
      default: [],
      description: 'More CloudFormation resource types to treat as stateful (e.g. AWS::SQS::Queue).',
    },
  },
};
