/**
 * cors, CloudFormation and SAM: replace an allowed origin of `*` with the configured origins wherever
 * the template states it:
 *
 * - `...Access-Control-Allow-Origin` header mappings (Method integration responses, MOCK OPTIONS
 *   methods, GatewayResponses, `responseParameters` inside an OpenAPI Body/DefinitionBody): a static
 *   header, quoted the way API Gateway wants (`"'https://example.com'"`), so it carries one origin;
 * - `AllowOrigin(s)` keys (SAM `Cors.AllowOrigin`, `CorsConfiguration.AllowOrigins` of HTTP APIs,
 *   function URL `Cors`, `x-amazon-apigateway-cors`): a list gets every origin;
 * - SAM `Cors: "'*'"` (string form) and SAM HttpApi `CorsConfiguration: true` (SAM reads it as `*`),
 *   on the resources and in `Globals`.
 *
 * Function code that sets the header itself is reported (function-code.ts), never rewritten.
 */
import type { Operation } from 'fast-json-patch';
import type { Json, Template } from '../../src/document/cfn/index.js';
import type { CfnFindingInput, CfnHalf } from '../../src/transform.js';
import { isPlainObject, perObjectCache, pointer, resources, type JsonObject } from '../_shared/cfn.js';
import { functionCodeFindings } from './function-code.js';
import type { CorsOptions } from './meta.js';

export const cfn: CfnHalf<CorsOptions> = {
  detect(template, ctx) {
    const origins = checkedOrigins(ctx.options.origins);
    return [...holders(template).flatMap((holder) => holderFindings(holder, origins)), ...functionCodeFindings(template, ctx.files, origins)];
  },
};

/** The configured origins, refused when empty or holding a wildcard (the fix would then be no fix). */
export function checkedOrigins(origins: string[]): string[] {
  if (origins.length === 0 || origins.some((o) => o.trim() === '' || o.includes('*'))) {
    throw new Error(`cors: origins must be a non-empty list of origins without '*' (got ${JSON.stringify(origins)})`);
  }
  return origins;
}

/** A map whose subtree may allow `*`: a resource's Properties or a Globals section. */
interface Holder {
  name: string;
  path: string[];
  value: JsonObject;
  /** SAM REST API (`AWS::Serverless::Api`, `Globals.Api`): `Cors` may be a string. */
  samApi: boolean;
  /** SAM HTTP API (`AWS::Serverless::HttpApi`, `Globals.HttpApi`): `CorsConfiguration` may be `true`. */
  samHttpApi: boolean;
}

function holders(template: Template): Holder[] {
  const out: Holder[] = resources(template).map((r) => ({
    name: r.logicalId,
    path: ['Resources', r.logicalId, 'Properties'],
    value: r.properties,
    samApi: r.type === 'AWS::Serverless::Api',
    samHttpApi: r.type === 'AWS::Serverless::HttpApi',
  }));
  const globals = isPlainObject(template.Globals) ? template.Globals : {};
  for (const [section, value] of Object.entries(globals)) {
    if (isPlainObject(value)) out.push({ name: `Globals.${section}`, path: ['Globals', section], value, samApi: section === 'Api', samHttpApi: section === 'HttpApi' });
  }
  return out;
}

/** One place that allows `*`, and how to rewrite it. */
interface Hit {
  path: string[];
  /** `single`: a string that carries one origin; `list`: a list of origins; `corsTrue`: SAM's `CorsConfiguration: true`. */
  kind: 'single' | 'list' | 'corsTrue';
  value: Json;
}

const HEADER_KEY = /access-control-allow-origin$/i;
const ORIGINS_KEY = /^allow-?origins?$/i;

/** `*`, or `'*'` as API Gateway header mappings quote it. */
const isStar = (value: Json | undefined) => typeof value === 'string' && value.trim().replace(/^'(.*)'$/, '$1').trim() === '*';

/** Hits already found, by the map searched: its search walks all of a resource's properties, every pass. */
const knownHits = perObjectCache<readonly Hit[]>();

function hitsIn(holder: Holder): readonly Hit[] {
  return knownHits(holder.value, `${holder.path.join('/')}\u0000${holder.samApi}\u0000${holder.samHttpApi}`, () => searchHits(holder));
}

function searchHits(holder: Holder): Hit[] {
  const hits: Hit[] = [];
  const { Cors: cors, CorsConfiguration: corsConfiguration } = holder.value;
  if (holder.samApi && isStar(cors)) hits.push({ path: [...holder.path, 'Cors'], kind: 'single', value: cors! });
  if (holder.samHttpApi && corsConfiguration === true) hits.push({ path: [...holder.path, 'CorsConfiguration'], kind: 'corsTrue', value: true });
  if (holder.samHttpApi && isStar(corsConfiguration)) hits.push({ path: [...holder.path, 'CorsConfiguration'], kind: 'single', value: corsConfiguration! });
  walk(holder.value, [...holder.path], hits);
  return hits;
}

/** Search a subtree; `path` is pushed and popped on the way (copied only for a hit). */
function walk(node: Json, path: string[], hits: Hit[]): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      path.push(String(i));
      walk(node[i]!, path, hits);
      path.pop();
    }
    return;
  }
  if (!isPlainObject(node)) return;
  for (const key of Object.keys(node)) {
    path.push(key);
    if (HEADER_KEY.test(key) || ORIGINS_KEY.test(key)) originValues(node[key]!, [...path], hits);
    else walk(node[key]!, path, hits);
    path.pop();
  }
}

/** The `*` origins of a value, looking into both branches of an `Fn::If`. */
function originValues(value: Json, path: string[], hits: Hit[]): void {
  if (Array.isArray(value)) {
    if (value.some(isStar)) hits.push({ path, kind: 'list', value });
  } else if (isStar(value)) {
    hits.push({ path, kind: 'single', value });
  } else if (isPlainObject(value) && Array.isArray(value['Fn::If'])) {
    const [, whenTrue, whenFalse] = value['Fn::If'];
    if (whenTrue !== undefined) originValues(whenTrue, [...path, 'Fn::If', '1'], hits);
    if (whenFalse !== undefined) originValues(whenFalse, [...path, 'Fn::If', '2'], hits);
  }
}

function holderFindings(holder: Holder, origins: string[]): CfnFindingInput[] {
  const hits = hitsIn(holder);
  if (hits.length === 0) return [];
  const where = { pointer: pointer(...hits[0]!.path), logicalId: holder.path[0] === 'Resources' ? holder.name : undefined };
  const changes = hits.map((hit) => `${hit.path.slice(holder.path.length).join('.')} → ${(hit.kind === 'single' ? origins.slice(0, 1) : origins).join(', ')}`);
  const findings: CfnFindingInput[] = [
    {
      ...where,
      messageId: 'starOrigin',
      message: `${holder.name}: allowed origin '*' replaced (${changes.join('; ')}).`,
      fix: hits.flatMap((hit) => replaceOps(hit, origins)),
    },
  ];
  if (origins.length > 1 && hits.some((hit) => hit.kind === 'single')) {
    findings.push({
      ...where,
      messageId: 'originsNotAllWritten',
      message: `${holder.name}: a static Access-Control-Allow-Origin carries one origin; ${origins[0]} was written, ${origins.slice(1).join(', ')} not.`,
      manual: 'to allow several origins, echo the request Origin when it is on the list (in the Lambda proxy or a mapping template) and add Vary: Origin',
    });
  }
  return findings;
}

function replaceOps(hit: Hit, origins: string[]): Operation[] {
  const at = pointer(...hit.path);
  const test: Operation = { op: 'test', path: at, value: hit.value };
  switch (hit.kind) {
    case 'single':
      return [test, { op: 'replace', path: at, value: inStyleOf(hit.value as string, origins[0]!) }];
    case 'corsTrue':
      return [test, { op: 'replace', path: at, value: { AllowOrigins: origins } }];
    case 'list':
      return [test, ...listOps(hit.path, hit.value as Json[], origins)];
  }
}

/** `'*'` → `'https://example.com'`, `*` → `https://example.com`: the header-mapping quotes stay. */
function inStyleOf(star: string, origin: string): string {
  return star.trim().startsWith("'") ? `'${origin}'` : origin;
}

/**
 * Item by item, so the rest of the list keeps its text: the first `*` becomes the origins the list
 * does not hold yet, any other `*` goes.
 */
function listOps(path: string[], list: Json[], origins: string[]): Operation[] {
  const stars = list.flatMap((item, i) => (isStar(item) ? [i] : []));
  const first = stars[0]!;
  const missing = origins.filter((origin) => !list.includes(origin)).map((origin) => inStyleOf(list[first] as string, origin));
  const ops: Operation[] = [];
  // Later items first, so that the indices of earlier ones stay valid.
  for (const i of stars.slice(1).reverse()) ops.push({ op: 'remove', path: pointer(...path, String(i)) });
  if (missing.length === 0) return [...ops, { op: 'remove', path: pointer(...path, String(first)) }];
  ops.push({ op: 'replace', path: pointer(...path, String(first)), value: missing[0]! });
  missing.slice(1).forEach((origin, k) => ops.push({ op: 'add', path: pointer(...path, String(first + 1 + k)), value: origin }));
  return ops;
}
