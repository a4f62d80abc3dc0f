/**
 * CDK half: `x.node.addDependency(y)` for the orderings CDK does not make itself. CDK already orders
 * the deployment of an L2 `RestApi` after every one of its Methods (`Method` → `deployment.node.addDependency`,
 * `RestApi._attachDeployment`), the stage of a RestApi after the `Account` it creates (`cloudWatchRole`),
 * and a Function after its role with the role's default policy (`grant*`, `addToRolePolicy`). Left
 * to the author, and fixed here:
 * - L1 `CfnDeployment` after the `CfnMethod`s of the same REST API;
 * - an event source mapping or custom resource after a separate `iam.Policy`/`ManagedPolicy` attached
 *   to its function's role (`roles: [...]`);
 * - a RestApi's stage (or an L2 `Stage`) with logging after a `CfnAccount` of the app.
 */
import { Node, SyntaxKind, type Expression } from 'ts-morph';
import type { CdkSource, ConstructCall } from '../../src/document/cdk/index.js';
import type { CdkFindingInput, CdkHalf } from '../../src/transform.js';
import { ruleFilter, type DependsOnOptions } from './meta.js';
import { RULES, type Rule } from './rules.js';

/** One ordering the source needs: `dependent` (an expression with a `.node`) after `targets`. */
interface Needed {
  rule: Rule;
  /** The construct that gets the dependency, and the expression naming what must come later. */
  dependent: ConstructCall;
  dependentText: string;
  targets: ConstructCall[];
  because: string;
  /** Another construct whose existing dependency on a target orders the dependent too (the function it references). */
  orderedThrough?: string;
}

const FUNCTION_CLASSES: Array<[string, string[]]> = [
  ['aws-lambda', ['Function', 'DockerImageFunction', 'SingletonFunction']],
  ['aws-lambda-nodejs', ['NodejsFunction']],
];

export const cdk: CdkHalf<DependsOnOptions> = {
  detect(source, ctx) {
    const on = ruleFilter(ctx.options);
    const needed = [
      ...(on(RULES.deploymentAfterMethods) ? deploymentsAfterMethods(source) : []),
      ...(on(RULES.afterRolePolicy) ? usersAfterSeparatePolicies(source) : []),
      ...(on(RULES.stageAfterAccount) ? stagesAfterAccount(source) : []),
    ];
    const existing = existingDependencies(source);
    return needed.flatMap((n) => finding(source, n, existing));
  },
};

function finding(source: CdkSource, n: Needed, existing: string[]): CdkFindingInput[] {
  const owners = [n.dependentText, ...(n.orderedThrough ? [n.orderedThrough] : [])];
  const declared = (t: ConstructCall) => existing.some((call) => owners.some((o) => call.startsWith(`${o}.`)) && mentions(call.slice(call.indexOf('(')), t.variableName));
  const targets = n.targets.filter((t) => !declared(t));
  if (targets.length === 0) return [];
  const base = {
    node: n.dependent.expression,
    constructPath: n.dependent.constructPath,
    messageId: n.rule.id,
    message: `${n.dependent.constructPath} must be created after ${targets.map((t) => t.constructPath).join(', ')} (${n.because})`,
  };
  const unnamed = [n.dependent, ...targets].filter((c) => !c.variableName);
  if (unnamed.length > 0) {
    return [{ ...base, manual: `${unnamed.map((c) => c.constructPath).join(', ')} not assigned to a variable, so no addDependency can name it. ${n.rule.reason}` }];
  }
  const names = targets.map((t) => t.variableName!).join(', ');
  // After the later of the constructs involved: every name is declared by then.
  const last = [n.dependent, ...targets].reduce((a, b) => (b.expression.getStart() > a.expression.getStart() ? b : a));
  return [{ ...base, fix: () => source.insertStatementsAfter(last, [`${n.dependentText}.node.addDependency(${names})`]) }];
}

/** The text of every `….addDependency(…)`/`addDependsOn(…)` call of the file, without whitespace. */
function existingDependencies(source: CdkSource): string[] {
  return source.file
    .getDescendantsOfKind(SyntaxKind.CallExpression)
    .filter((call) => /\.(addDependency|addDependsOn)$/.test(call.getExpression().getText()))
    .map((call) => call.getText().replace(/\s+/g, ''));
}

/** Does the text use `name` as an identifier (not as part of a longer one)? */
function mentions(text: string | undefined, name: string | undefined): boolean {
  if (!text || !name) return false;
  return new RegExp(`(^|[^\\w$.])${name.replace(/[.$]/g, '\\$&')}(?![\\w$])`).test(text);
}

function propText(call: ConstructCall, name: string): string | undefined {
  return call.getProp(name)?.getText().replace(/\s+/g, '');
}

function deploymentsAfterMethods(source: CdkSource): Needed[] {
  const methods = source.findConstructs('aws-apigateway', 'CfnMethod');
  return source.findConstructs('aws-apigateway', 'CfnDeployment').flatMap((deployment) => {
    // The same REST API: the same `restApiId` expression (`api.ref`, `api.attrRestApiId`).
    const api = propText(deployment, 'restApiId');
    const mine = api === undefined ? [] : methods.filter((m) => propText(m, 'restApiId') === api);
    return mine.length === 0 ? [] : [needed(RULES.deploymentAfterMethods, deployment, mine, `the Methods of REST API ${api}`)];
  });
}

function needed(rule: Rule, dependent: ConstructCall, targets: ConstructCall[], because: string, dependentText = dependent.variableName ?? ''): Needed {
  return { rule, dependent, dependentText, targets, because };
}

/**
 * A separate `iam.Policy`/`ManagedPolicy` listing a function's role in `roles` orders nothing: the
 * mapping or custom resource that uses the function must depend on it. (`fn.addEventSource(…)`
 * creates the mapping inside the function, so the function's own resource gets the dependency:
 * `fn.node.defaultChild`, not `fn`, whose children include a role the policy references.)
 */
function usersAfterSeparatePolicies(source: CdkSource): Needed[] {
  const functions = FUNCTION_CLASSES.flatMap(([module, classes]) => source.findConstructs(module, classes)).filter((f) => f.variableName);
  const policies = source.findConstructs('aws-iam', ['Policy', 'ManagedPolicy']);
  const out: Needed[] = [];
  for (const fn of functions) {
    const name = fn.variableName!;
    const role = roleText(fn);
    const attached = policies.filter((p) => rolesOf(p).includes(role));
    if (attached.length === 0) continue;
    // A policy that names the function (or the user) would close a cycle: CDK fails at synth.
    const safe = (user: ConstructCall | undefined) => attached.filter((p) => !mentions(policyProps(p), name) && !(user && mentions(policyProps(p), user.variableName)));
    const because = `the separate policy on the role of ${fn.constructPath}`;
    for (const user of usersOf(source, name)) {
      if (safe(user).length > 0) out.push({ ...needed(RULES.afterRolePolicy, user, safe(user), because), orderedThrough: name });
    }
    if (addsEventSource(source, name) && safe(undefined).length > 0) {
      const usedBy = `${because}, used by its event sources`;
      out.push({ ...needed(RULES.afterRolePolicy, fn, safe(undefined), usedBy, `${name}.node.defaultChild!`), orderedThrough: name });
    }
  }
  return out;
}

/** The role of a function as written: its `role` prop, or the role CDK creates (`fn.role`). */
function roleText(fn: ConstructCall): string {
  return (propText(fn, 'role') ?? `${fn.variableName}.role`).replace(/[!?]+$/, '');
}

function rolesOf(policy: ConstructCall): string[] {
  const roles = policy.getProp('roles');
  if (!roles || !Node.isArrayLiteralExpression(roles)) return [];
  return roles.getElements().map((e: Expression) => e.getText().replace(/\s+/g, '').replace(/[!?]+$/, ''));
}

/** What a policy grants, as text: every prop but `roles` (which names the role, not what it may reach). */
function policyProps(policy: ConstructCall): string {
  const properties = policy.getProps()?.getProperties() ?? [];
  return properties.filter((p) => !(Node.isPropertyAssignment(p) && p.getName() === 'roles')).map((p) => p.getText()).join('\n');
}

/** Event source mappings and custom resources whose function is `name`. */
function usersOf(source: CdkSource, name: string): ConstructCall[] {
  const mappings = source.findConstructs('aws-lambda', ['EventSourceMapping', 'CfnEventSourceMapping']).filter((m) => mentions(propText(m, 'target') ?? propText(m, 'functionName'), name));
  const custom = [
    ...source.findConstructs('core', ['CustomResource', 'CfnCustomResource']),
    ...source.findConstructs('aws-cloudformation', ['CustomResource', 'CfnCustomResource']),
  ].filter((c) => mentions(propText(c, 'serviceToken'), name));
  return [...mappings, ...custom];
}

function addsEventSource(source: CdkSource, name: string): boolean {
  return source.file
    .getDescendantsOfKind(SyntaxKind.CallExpression)
    .some((call) => call.getExpression().getText().replace(/\s+/g, '') === `${name}.addEventSource`);
}

/**
 * A stage that logs needs the account's CloudWatch role. A RestApi orders its stage after the Account
 * it creates itself (`cloudWatchRole: true`); an app's own `CfnAccount` is not ordered.
 */
function stagesAfterAccount(source: CdkSource): Needed[] {
  const accounts = source.findConstructs('aws-apigateway', 'CfnAccount');
  if (accounts.length === 0) return [];
  const logs = (settings: string | undefined) => settings !== undefined && /\b(loggingLevel|accessLogDestination)\b/.test(settings) && !/MethodLoggingLevel\.OFF/.test(settings);
  const apis = source
    .findConstructs('aws-apigateway', ['RestApi', 'LambdaRestApi', 'SpecRestApi', 'StepFunctionsRestApi'])
    .filter((api) => propText(api, 'cloudWatchRole') !== 'true' && logs(propText(api, 'deployOptions')))
    .map((api) => needed(RULES.stageAfterAccount, api, accounts, 'its stage logs to CloudWatch', `${api.variableName}.deploymentStage`));
  const stages = source
    .findConstructs('aws-apigateway', 'Stage')
    .filter((stage) => logs(stage.getProps()?.getText()))
    .map((stage) => needed(RULES.stageAfterAccount, stage, accounts, 'it logs to CloudWatch'));
  return [...apis, ...stages];
}
