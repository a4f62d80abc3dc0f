/**
 * Where a CDK REST API stage takes its options (shared by apigw-cache and apigw-logging): the
 * `deployOptions` literal of a `RestApi` (and `LambdaRestApi`, `SpecRestApi`,
 * `StepFunctionsRestApi`), or the props of a `Stage` construct. Both are `StageOptions`, where
 * `cachingEnabled`, `loggingLevel` and the like are the settings for all methods ('*' '/*').
 *
 * Reads are fresh on every call: a fix of another construct may have replaced the nodes seen before
 * (construct calls are re-attached after an edit, other nodes are not).
 */
import { Node, SyntaxKind, type Expression, type ObjectLiteralExpression } from 'ts-morph';
import type { CdkSource, ConstructCall } from '../../../src/document/cdk/index.js';

export const REST_API_CLASSES = ['RestApi', 'LambdaRestApi', 'SpecRestApi', 'StepFunctionsRestApi'];

export type StageOptionsSite =
  | { call: ConstructCall; inDeployOptions: boolean }
  /** `stageElsewhere`: a RestApi with `deploy: false`, whose stage is a `Stage` construct, here or elsewhere. */
  | { call: ConstructCall; manual: string; stageElsewhere?: boolean };

/** The stage options of every REST API and Stage construct of the file, or why they cannot be read. */
export function stageOptionsSites(source: CdkSource): StageOptionsSite[] {
  const apis = source.findConstructs('aws-apigateway', REST_API_CLASSES).map((call): StageOptionsSite => {
    if (call.propsAreOpaque()) return { call, manual: 'its props are not a plain object literal' };
    const deploy = call.getProp('deploy');
    if (deploy && Node.isFalseLiteral(deploy)) return { call, manual: 'it deploys no stage (deploy: false): set the options on the Stage that deploys it', stageElsewhere: true };
    const options = call.getProp('deployOptions');
    if (options && !Node.isObjectLiteralExpression(options)) return { call, manual: `deployOptions is ${options.getText()}, not an object literal` };
    return { call, inDeployOptions: true };
  });
  const stages = source.findConstructs('aws-apigateway', 'Stage').map((call): StageOptionsSite =>
    call.propsAreOpaque() ? { call, manual: 'its props are not a plain object literal' } : { call, inDeployOptions: false },
  );
  // A `deploy: false` API is reported only when no Stage of this file could be the one deploying it.
  return [...apis.filter((site) => !('stageElsewhere' in site && site.stageElsewhere && stages.length > 0)), ...stages];
}

/** The initializer of a stage option as written now, if any. */
export function getOption(site: { call: ConstructCall; inDeployOptions: boolean }, name: string): Expression | undefined {
  if (!site.inDeployOptions) return site.call.getProp(name);
  const options = site.call.getProp('deployOptions');
  return options && Node.isObjectLiteralExpression(options) ? propertyInitializer(options, name) : undefined;
}

/**
 * Set stage options (name → initializer text): replaced where written, added where not. A missing
 * `deployOptions` is added with all of them; a one-line `deployOptions` is laid out one option per
 * line, since the new options do not fit on its line.
 */
export function setOptions(source: CdkSource, site: { call: ConstructCall; inDeployOptions: boolean }, options: Array<[string, string]>): void {
  if (!site.inDeployOptions) {
    for (const [name, text] of options) site.call.setProp(name, text);
    return;
  }
  const literal = site.call.getProp('deployOptions');
  if (!literal) {
    site.call.setProp('deployOptions', objectText(source, options.map(([name, text]) => `${name}: ${text}`)));
    return;
  }
  if (!Node.isObjectLiteralExpression(literal)) throw new Error(`deployOptions is no longer an object literal`);
  const oneLine = !literal.getText().includes('\n') && literal.getDescendantsOfKind(SyntaxKind.SingleLineCommentTrivia).length === 0 && !literal.getText().includes('/*');
  if (oneLine) {
    const written = new Map(options);
    const kept = literal.getProperties().map((p) => {
      const name = Node.isPropertyAssignment(p) ? p.getName().replace(/^['"]|['"]$/g, '') : undefined;
      return name !== undefined && written.has(name) ? `${name}: ${written.get(name)!}` : p.getText();
    });
    const added = options.filter(([name]) => !propertyInitializer(literal, name)).map(([name, text]) => `${name}: ${text}`);
    site.call.setProp('deployOptions', objectText(source, [...kept, ...added]));
    return;
  }
  source.applyStyle();
  for (const [name, text] of options) {
    const current = propertyInitializer(literal, name);
    if (current) current.replaceWithText(text);
    else literal.addPropertyAssignment({ name, initializer: text });
  }
}

/** `{ a: b, c: d }` over several lines, in the file's indent and trailing-comma style, from column 0. */
function objectText(source: CdkSource, items: string[]): string {
  const { indentUnit, eol, trailingCommas } = source.style;
  const lines = items.map((item, i) => `${indentUnit}${item}${i < items.length - 1 || trailingCommas ? ',' : ''}`);
  return ['{', ...lines, '}'].join(eol);
}

/** The initializer of `name` in an object literal (the last one written, as JavaScript does). */
function propertyInitializer(literal: ObjectLiteralExpression, name: string): Expression | undefined {
  const property = literal.getProperties().findLast((p) => Node.isPropertyAssignment(p) && p.getName().replace(/^['"]|['"]$/g, '') === name);
  return property && Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
}

/** A boolean option: `ok` when written `true`, `missing`, `wrong` when `false`, `unknown` otherwise. */
export function booleanOption(value: Expression | undefined): 'ok' | 'missing' | 'wrong' | 'unknown' {
  if (!value) return 'missing';
  if (Node.isTrueLiteral(value)) return 'ok';
  if (Node.isFalseLiteral(value)) return 'wrong';
  return 'unknown';
}
