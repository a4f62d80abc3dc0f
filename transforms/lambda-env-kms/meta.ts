import type { TransformMeta } from '../../src/transform.js';
import secretNames from './data/secret-names.json' with { type: 'json' };

export interface LambdaEnvKmsOptions {
  reuseExistingKey: boolean;
  keyLogicalId: string;
  aliasName: string;
  keyRemovalPolicy: 'Retain' | 'Delete';
  secretNames: string[];
}

export const meta: TransformMeta = {
  id: 'lambda-env-kms',
  title: 'Encrypt Lambda environment variables with a customer managed KMS key',
  failure: 'A Lambda function has environment variables and no KmsKeyArn, so they are encrypted only with the AWS managed key, which you cannot rotate, audit or restrict.',
  docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html',
  seeAlso: ['CKV_AWS_173', 'lambda-function-settings-check'],
  options: {
    reuseExistingKey: {
      type: 'boolean',
      default: true,
      description:
        'Use the template\'s own customer managed key when exactly one is suitable (symmetric, unconditional, administered through IAM; one already encrypting a function wins). false: always add a new key.',
    },
    keyLogicalId: {
      type: 'string',
      default: 'LambdaEnvKey',
      description: 'Logical id of the key added when none is reused (a number is appended if taken); its alias gets this id followed by Alias.',
    },
    aliasName: {
      type: 'string',
      default: 'alias/${AWS::StackName}/lambda-environment',
      description: 'Alias of the new key; may use ${AWS::StackName} and other Fn::Sub pseudo parameters.',
    },
    keyRemovalPolicy: {
      type: 'string',
      default: 'Retain',
      enum: ['Retain', 'Delete'],
      description:
        'DeletionPolicy and UpdateReplacePolicy of the new key. Retain (as CDK does for keys): deleting the stack must not make variables encrypted under it unreadable.',
    },
    secretNames: {
      type: 'string[]',
      default: secretNames,
      description:
        'Variable name parts (case-insensitive) that mark a secret. A variable whose name contains one and whose value is literal text is reported: encryption at rest does not keep it out of the template.',
    },
  },
};
