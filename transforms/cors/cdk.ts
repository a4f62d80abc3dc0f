/**
 * cors, CDK: replace an allowed origin of `*` with the configured origins where the code states it:
 *
 * - `allowOrigins: apigw.Cors.ALL_ORIGINS` or `['*']` (REST `defaultCorsPreflightOptions`,
 *   `addCorsPreflight`, HTTP API `corsPreflight`): every origin (CDK echoes the matching one);
 * - `allowedOrigins: ['*']` of a function URL's `cors`;
 * - `'...Access-Control-Allow-Origin': "'*'"` header mappings (MockIntegration responses, gateway
 *   responses): one origin, the rest reported.
 *
 * Function code that sets the header itself is reported with its file and line (cdk-function-code.ts).
 */
import { Node, SyntaxKind, type ArrayLiteralExpression, type Expression, type PropertyAssignment } from 'ts-morph';
import type { CdkSource, ConstructCall } from '../../src/document/cdk/index.js';
import type { CdkFindingInput, CdkHalf } from '../../src/transform.js';
import { cdkFunctionCodeFindings } from './cdk-function-code.js';
import { checkedOrigins } from './cfn.js';
import type { CorsOptions } from './meta.js';

const HEADER_KEY = /access-control-allow-origin$/i;

/** Constructs a CORS setting may sit in, to name it in reports. */
const HOLDERS: Array<[string, string[]]> = [
  ['aws-apigateway', ['RestApi', 'LambdaRestApi', 'SpecRestApi', 'StepFunctionsRestApi', 'MockIntegration', 'GatewayResponse', 'Resource', 'Method']],
  ['aws-apigatewayv2', ['HttpApi', 'WebSocketApi']],
  ['aws-lambda', ['Function', 'FunctionUrl']],
];

export const cdk: CdkHalf<CorsOptions> = {
  detect(source, ctx) {
    const origins = checkedOrigins(ctx.options.origins);
    const findings: CdkFindingInput[] = [];
    const holders = HOLDERS.flatMap(([module, classes]) => source.findConstructs(module, classes));
    for (const property of source.file.getDescendantsOfKind(SyntaxKind.PropertyAssignment)) {
      const name = propertyName(property);
      const value = property.getInitializer();
      if (!name || !value) continue;
      if (HEADER_KEY.test(name)) findings.push(...headerFindings(property, value, origins));
      else if (name === 'allowOrigins' || (name === 'allowedOrigins' && isFunctionUrlCors(property))) {
        const finding = originListFinding(source, property, value, origins);
        if (finding) findings.push(finding);
      }
    }
    for (const finding of findings) finding.constructPath = innermost(holders, finding.node)?.constructPath;
    return [...findings, ...cdkFunctionCodeFindings(source, ctx.files, origins)];
  },
};

/** The innermost construct whose `new` expression holds `node`. */
function innermost(calls: ConstructCall[], node: Node): ConstructCall | undefined {
  const holding = calls.filter((call) => call.expression.getStart() <= node.getStart() && node.getEnd() <= call.expression.getEnd());
  return holding.sort((a, b) => b.expression.getStart() - a.expression.getStart())[0];
}

function propertyName(property: PropertyAssignment): string | undefined {
  const node = property.getNameNode();
  if (Node.isIdentifier(node)) return node.getText();
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  return undefined;
}

/** A function URL's `cors: { allowedOrigins }`; S3 buckets write `cors: [{ allowedOrigins }]`, a list, and are left alone. */
function isFunctionUrlCors(property: PropertyAssignment): boolean {
  const holder = property.getParent().getParent();
  return Node.isPropertyAssignment(holder) && propertyName(holder) === 'cors';
}

/** `*`, or `'*'` as API Gateway header mappings quote it. */
const isStarText = (text: string) => text.trim().replace(/^'(.*)'$/, '$1').trim() === '*';
const isStarLiteral = (node: Node) => (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) && isStarText(node.getLiteralValue());

/** A string literal for `value`, in the quote the literal it replaces uses. */
function literalLike(old: Node, value: string): string {
  const quote = old.getText()[0] === '"' ? '"' : old.getText()[0] === '`' ? '`' : "'";
  return quote + value.replace(/\\/g, '\\\\').replaceAll(quote, `\\${quote}`) + quote;
}

function headerFindings(property: PropertyAssignment, value: Expression, origins: string[]): CdkFindingInput[] {
  if (!isStarLiteral(value)) return [];
  const star = (value as unknown as { getLiteralValue(): string }).getLiteralValue();
  const origin = star.trim().startsWith("'") ? `'${origins[0]}'` : origins[0]!;
  const findings: CdkFindingInput[] = [
    {
      node: property,
      messageId: 'starOrigin',
      message: `${propertyName(property)}: allowed origin '*' replaced by ${origins[0]}.`,
      fix: () => {
        if (value.wasForgotten()) throw new Error('the header value changed since it was read');
        value.replaceWithText(literalLike(value, origin));
      },
    },
  ];
  if (origins.length > 1) {
    findings.push({
      node: property,
      messageId: 'originsNotAllWritten',
      message: `${propertyName(property)}: a static Access-Control-Allow-Origin carries one origin; ${origins[0]} was written, ${origins.slice(1).join(', ')} not.`,
      manual: 'to allow several origins, echo the request Origin when it is on the list (in the Lambda proxy or a mapping template) and add Vary: Origin',
    });
  }
  return findings;
}

/** `Cors.ALL_ORIGINS` becomes the origins; in an array literal, the first `*` becomes the missing origins and other `*` go. */
function originListFinding(source: CdkSource, property: PropertyAssignment, value: Expression, origins: string[]): CdkFindingInput | undefined {
  const quote = source.style.quote;
  const text = (origin: string) => `${quote}${origin}${quote}`;
  const allOrigins = source.resolveReference(value);
  const isAllOrigins = allOrigins?.module === 'aws-apigateway' && allOrigins.path.join('.') === 'Cors.ALL_ORIGINS';
  if (!isAllOrigins && !(Node.isArrayLiteralExpression(value) && value.getElements().some(isStarLiteral))) return undefined;
  return {
    node: property,
    messageId: 'starOrigin',
    message: `${propertyName(property)}: allowed origin '*' replaced by ${origins.join(', ')}.`,
    fix: () => {
      if (value.wasForgotten()) throw new Error('the origins changed since they were read');
      if (isAllOrigins) value.replaceWithText(`[${origins.map(text).join(', ')}]`);
      else replaceStars(value as ArrayLiteralExpression, origins, text);
    },
  };
}

function replaceStars(list: ArrayLiteralExpression, origins: string[], text: (origin: string) => string): void {
  const elements = list.getElements();
  const present = new Set(elements.flatMap((e) => (Node.isStringLiteral(e) ? [e.getLiteralValue()] : [])));
  const missing = origins.filter((origin) => !present.has(origin));
  const stars = elements.flatMap((element, i) => (isStarLiteral(element) ? [i] : []));
  // Later elements first, so that the indices of earlier ones stay valid.
  for (const i of stars.slice(1).reverse()) list.removeElement(i);
  const first = stars[0]!;
  if (missing.length === 0) {
    list.removeElement(first);
    return;
  }
  elements[first]!.replaceWithText(text(missing[0]!));
  if (missing.length > 1) list.insertElements(first + 1, missing.slice(1).map(text));
}
