/**
 * The catalogue: every ordering this transform knows CloudFormation cannot see, and every DependsOn
 * problem it reports. One entry per rule; the id is the finding's messageId, so a report line leads
 * back here. Adding a rule: an entry here, a detector in `orderings.ts`, a fixture.
 */
export interface Rule {
  id: string;
  /** Why the ordering (or the report) matters: what fails at deploy time without it. */
  reason: string;
  /** The AWS documentation that states it. */
  docsUrl: string;
}

const DEPENDS_ON_DOC = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html';

export const RULES = {
  deploymentAfterMethods: {
    id: 'deployment-after-methods',
    reason:
      'An AWS::ApiGateway::Deployment deploys the methods that exist when it is created. Created before a Method of its REST API, it fails ' +
      `with "The REST API doesn't contain any methods" or deploys an API without that method. A Ref from the Deployment to the RestApi does not order it after the Methods.`,
    docsUrl: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-deployment.html',
  },
  afterRolePolicy: {
    id: 'after-role-policy',
    reason:
      'An EventSourceMapping checks at creation that the function role may read the source, and a custom resource invokes its function ' +
      'during the deployment. When those permissions come from a separate AWS::IAM::Policy, ManagedPolicy or RolePolicy attached to the role, ' +
      'nothing orders the resource after that policy, so it can run before the permissions exist. CloudFormation documents this case under ' +
      '"IAM role policy" in "When a DependsOn attribute is required".',
    docsUrl: DEPENDS_ON_DOC,
  },
  functionAfterRolePolicy: {
    id: 'function-after-role-policy',
    reason:
      'Lambda checks at creation that the execution role may create network interfaces (VpcConfig) and send to the dead-letter target ' +
      '(DeadLetterConfig). When the role gets those permissions from a separate policy resource, the function must be created after it.',
    docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html',
  },
  stageAfterAccount: {
    id: 'stage-after-account',
    reason:
      'A REST API stage with execution logging (MethodSettings LoggingLevel) or access logging needs the CloudWatch role of the ' +
      'AWS::ApiGateway::Account settings; created before the Account resource, it fails with "CloudWatch Logs role ARN must be set in account settings".',
    docsUrl: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html',
  },
  literalNameToRef: {
    id: 'literal-name-to-ref',
    reason:
      'An environment variable that spells out the literal name of a resource of the same template does not order the function after it, ' +
      'and silently breaks when the name changes. A Ref (or GetAtt) gives the same value, and the ordering with it.',
    docsUrl: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ref.html',
  },
  literalNameDependsOn: {
    id: 'literal-name-depends-on',
    reason:
      "A policy that names a resource of the same template by a literal ARN does not order its holder after that resource: the grant can take " +
      'effect before the resource exists, and on delete the resource can go first. DependsOn gives the ordering without rewriting the ARN.',
    docsUrl: DEPENDS_ON_DOC,
  },
  missingTarget: {
    id: 'depends-on-missing',
    reason: 'DependsOn names a resource that is not in the template: CloudFormation rejects the template ("Template format error: Unresolved resource dependencies").',
    docsUrl: DEPENDS_ON_DOC,
  },
  cycle: {
    id: 'dependency-cycle',
    reason: 'Resources that depend on each other in a circle cannot be created: CloudFormation rejects the template ("Circular dependency between resources").',
    docsUrl: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html#troubleshooting-errors-dependency-error',
  },
  redundant: {
    id: 'depends-on-redundant',
    reason: 'A Ref, GetAtt or Sub of the resource (or another dependency) already orders it; the DependsOn entry adds nothing.',
    docsUrl: DEPENDS_ON_DOC,
  },
} as const satisfies Record<string, Rule>;

export type RuleId = (typeof RULES)[keyof typeof RULES]['id'];
