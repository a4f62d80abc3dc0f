import type { TransformMeta } from '../../src/transform.js';

export interface IamScopeOptions {
  /** A policy observed from real traffic (IAM Access Analyzer, a recording proxy), relative to the template. */
  observedPolicy: string;
  /** Scope untraceable resources of single-account services to this account and region instead of `*`. */
  accountWildcards: boolean;
  /** SAM: write policy templates (DynamoDBCrudPolicy, …) where one grants exactly what is needed. */
  samPolicyTemplates: boolean;
  /** Name of the inline policy that replaces a removed managed policy. */
  policyName: string;
  /** CDK `grant*` calls to narrow: every one a narrower method covers, only `service:*` ones, or none. */
  cdkGrants: 'all' | 'broad' | 'off';
  /** Logical ids of roles, policies or functions to leave alone. */
  exclude: string[];
}

export const meta: TransformMeta = {
  id: 'iam-scope',
  title: "Scope Lambda execution roles to what the function's code calls",
  failure:
    "A Lambda function's execution role allows every action (`*`, `service:*`, NotAction, an AdministratorAccess-, " +
    'PowerUserAccess- or *FullAccess-style managed policy) or every resource (`Resource: *` for actions that can be ' +
    'scoped), so a bug or an injected payload in the function can do far more than the function ever does.',
  docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
  seeAlso: [
    'AwsSolutions-IAM5',
    'AwsSolutions-IAM4',
    'CKV_AWS_1',
    'CKV_AWS_49',
    'CKV_AWS_107',
    'CKV_AWS_108',
    'CKV_AWS_109',
    'CKV_AWS_110',
    'CKV_AWS_111',
    'cfn-lint W11',
  ],
  options: {
    observedPolicy: {
      type: 'string',
      default: '',
      description:
        'A policy document that IAM Access Analyzer or a recording proxy produced from real traffic (path relative to the template). ' +
        'Its statements are merged with what the code shows. Either one document for every role, or an object keyed by the logical id of a role or function.',
    },
    accountWildcards: {
      type: 'boolean',
      default: true,
      description:
        "When a call's resource cannot be traced to one resource and its service has no resource-based policies (EC2, ACM, CodeCommit, …, so it can only act in this account), " +
        'scope it to this account and region (arn:…:${AWS::AccountId}:volume/*) instead of `*`.',
    },
    samPolicyTemplates: {
      type: 'boolean',
      default: true,
      description: 'SAM functions: write a policy template (SQSSendMessagePolicy, DynamoDBCrudPolicy, …) where one grants exactly the actions needed on a resource.',
    },
    policyName: {
      type: 'string',
      default: 'ScopedAccess',
      description: 'Name of the inline policy that takes over what a removed managed policy granted.',
    },
    cdkGrants: {
      type: 'string',
      default: 'all',
      enum: ['all', 'broad', 'off'],
      description:
        "CDK `grant*` calls to a function (`table.grantReadWriteData(fn)`): `all` swaps every one for the narrowest grant methods that cover what the code calls on " +
        "that construct (and removes a grant the code does not use); `broad` only those that allow `service:*` (`grantFullAccess`, `queue.grant(fn, 'sqs:*')`); `off` leaves grants alone.",
    },
    exclude: {
      type: 'string[]',
      default: [],
      description: 'Logical ids of roles, policies or functions to leave alone.',
    },
  },
};
