import type { TransformMeta } from '../../src/transform.js';
import { RULES } from './rules.js';

export interface DependsOnOptions {
  /** Remove DependsOn entries that a reference already implies (they are reported either way). */
  removeRedundant: boolean;
  /** Replace a literal that is exactly another resource's name with a Ref/GetAtt (false: add DependsOn instead). */
  replaceLiteralNames: boolean;
  /** Rule ids of the catalogue (rules.ts) not to apply. */
  skipRules: string[];
}

export const RULE_IDS: string[] = Object.values(RULES).map((rule) => rule.id);

/** Whether a rule applies; an unknown id in `skipRules` is an error, not a silent no-op. */
export function ruleFilter(options: DependsOnOptions): (rule: { id: string }) => boolean {
  const unknown = options.skipRules.filter((id) => !RULE_IDS.includes(id));
  if (unknown.length > 0) throw new Error(`unknown rule id in skipRules: ${unknown.join(', ')} (known: ${RULE_IDS.join(', ')})`);
  return (rule) => !options.skipRules.includes(rule.id);
}

export const meta: TransformMeta = {
  id: 'depends-on',
  title: 'Add the DependsOn that CloudFormation cannot infer',
  failure:
    'A resource must be created after another that it does not reference (a Deployment after its Methods, an event source ' +
    'mapping after the policy that lets its function read the source), or a DependsOn names a missing resource or closes a cycle.',
  docsUrl: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html',
  seeAlso: ['cfn-lint E3005', 'cfn-lint W3005', 'cfn-lint E3004'],
  options: {
    removeRedundant: {
      type: 'boolean',
      default: false,
      description: 'Remove DependsOn entries that a Ref, GetAtt or Sub already implies. They are reported either way; some teams keep them as documentation.',
    },
    replaceLiteralNames: {
      type: 'boolean',
      default: true,
      description:
        "Replace an environment variable or SAM policy template parameter that is exactly another resource's literal name with a Ref/GetAtt of it. " +
        'false: keep the literal and add a DependsOn instead.',
    },
    skipRules: {
      type: 'string[]',
      default: [],
      description: `Rules of the catalogue not to apply: ${RULE_IDS.join(', ')}.`,
    },
  },
};
