import type { TransformMeta } from '../../src/transform.js';

export const OUTPUT_KINDS = ['kms', 'environment', 'api', 'dynamodb', 'lambda', 's3', 'sns', 'sqs'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

export interface OutputsOptions {
  /** Which kinds of resources get outputs. */
  kinds: string[];
  /** `Export.Name` of a new output, as Fn::Sub text; `<LogicalId>` and `<Attr>` are filled in. Empty: no Export. */
  exportNameTemplate: string;
  /** Parameters whose whole name matches this (case-insensitive) hold the environment: they get an output. */
  environmentParameterPattern: string;
}

/** The enabled kinds, in the order outputs are written; an unknown kind in the options is an error, not a silent no-op. */
export function enabledKinds(options: OutputsOptions): OutputKind[] {
  const unknown = options.kinds.filter((k) => !(OUTPUT_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new Error(`unknown kind in kinds: ${unknown.join(', ')} (known: ${OUTPUT_KINDS.join(', ')})`);
  return OUTPUT_KINDS.filter((kind) => options.kinds.includes(kind));
}

export const DEFAULT_EXPORT_NAME_TEMPLATE = '${AWS::StackName}-<LogicalId>-<Attr>';

export const meta: TransformMeta = {
  id: 'outputs',
  title: 'Add stack outputs for the resources other stacks and users need',
  failure:
    'A key, API endpoint, table, function, bucket, topic, queue or the environment parameter is not exposed as a stack ' +
    'output, so people copy values from the console and other stacks cannot import them.',
  docsUrl: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html',
  seeAlso: [],
  options: {
    kinds: {
      type: 'string[]',
      default: [...OUTPUT_KINDS],
      description: `Which kinds get outputs, any of: ${OUTPUT_KINDS.join(', ')}.`,
    },
    exportNameTemplate: {
      type: 'string',
      default: DEFAULT_EXPORT_NAME_TEMPLATE,
      description:
        'Export.Name of each new output, as Fn::Sub text: <LogicalId> and <Attr> are filled in. Keep ${AWS::StackName} in it: an export ' +
        'name must be unique in the account and region, and a template deployed as several stacks relies on it. Empty: outputs get no Export.',
    },
    environmentParameterPattern: {
      type: 'string',
      default: '^(?:(?:env|environment)(?:suffix|name)?|stage(?:name)?)$',
      description: 'Regular expression (case-insensitive) for the whole name of the parameters that hold the environment (EnvironmentSuffix, Stage, …).',
    },
  },
};
