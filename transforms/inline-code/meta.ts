import type { TransformMeta } from '../../src/transform.js';

export interface InlineCodeOptions {
  minBytes: number;
  directory: string;
  nearLimitBytes: number;
}

export const meta: TransformMeta = {
  id: 'inline-code',
  title: 'Move inline Lambda code into its own file',
  failure:
    'A Lambda function carries its code inline (Code.ZipFile, SAM InlineCode, CDK Code.fromInline): it cannot be linted, tested or reviewed as code, and it counts against the template size limit.',
  docsUrl: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-code.html',
  seeAlso: ['JUDGE-InlineCodeOver4KB'],
  options: {
    minBytes: {
      type: 'number',
      default: 0,
      min: 0,
      description: 'Extract only inline code of at least this many bytes (0: all of it).',
    },
    directory: {
      type: 'string',
      default: 'functions',
      description: "Folder, relative to the template or stack file, that receives one sub-folder per function ('<directory>/<LogicalId>/index.py').",
    },
    nearLimitBytes: {
      type: 'number',
      default: 46080,
      min: 0,
      description:
        'Report inline code left in place (below minBytes) when the template is at least this many bytes as compact JSON (CloudFormation takes 51,200 bytes when the body is passed directly).',
    },
  },
};
