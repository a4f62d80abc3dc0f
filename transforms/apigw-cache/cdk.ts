/**
 * apigw-cache, CDK: a REST API's `deployOptions` (or a `Stage`'s props) get `cacheClusterEnabled`,
 * `cacheClusterSize`, `cachingEnabled`, `cacheDataEncrypted` and `cacheTtl`; CDK writes the
 * `cachingEnabled`/`cacheTtl`/`cacheDataEncrypted` options as the '*' '/*' method settings.
 */
import { Node, type Expression } from 'ts-morph';
import type { CdkSource, ConstructCall } from '../../src/document/cdk/index.js';
import type { CdkFindingInput, CdkHalf } from '../../src/transform.js';
import { booleanOption, getOption, setOptions, stageOptionsSites, type StageOptionsSite } from '../_shared/apigw/cdk-stage-options.js';
import type { CacheOptions } from './meta.js';

const MIN_TTL_SECONDS = 30;
const SECONDS_PER: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

export const cdk: CdkHalf<CacheOptions> = {
  detect(source, ctx) {
    const findings = stageOptionsSites(source).flatMap((site) => siteFindings(source, site, ctx.options));
    for (const module of ['aws-apigatewayv2', 'aws-apigatewayv2-alpha']) {
      findings.push(...source.findConstructs(module, ['HttpApi', 'WebSocketApi']).map(noCacheForHttpApis));
    }
    return findings;
  },
};

type Write = [name: string, text: () => string];

function siteFindings(source: CdkSource, site: StageOptionsSite, options: CacheOptions): CdkFindingInput[] {
  const where = { node: site.call.expression, constructPath: site.call.constructPath };
  const name = `${site.call.className} ${site.call.constructPath}`;
  if ('manual' in site) {
    return [{ ...where, messageId: site.stageElsewhere ? 'stageElsewhere' : 'cacheUnreadable', message: `${name}: cannot tell whether caching is on.`, manual: site.manual }];
  }
  const writes: Write[] = [];
  const computed: string[] = [];
  const flag = (option: string) => {
    const verdict = booleanOption(getOption(site, option));
    if (verdict === 'unknown') computed.push(option);
    if (verdict === 'missing' || verdict === 'wrong') writes.push([option, () => 'true']);
    return verdict;
  };
  const cluster = flag('cacheClusterEnabled');
  if ((cluster === 'missing' || cluster === 'wrong') && !getOption(site, 'cacheClusterSize')) {
    const quote = source.style.quote;
    writes.push(['cacheClusterSize', () => `${quote}${options.cacheClusterSize}${quote}`]);
  }
  const caching = flag('cachingEnabled');
  if (options.encryptCache) flag('cacheDataEncrypted');
  const ttl = getOption(site, 'cacheTtl');
  const seconds = ttl && durationSeconds(source, ttl);
  if (ttl && seconds === undefined) computed.push('cacheTtl');
  // An absent TTL means API Gateway's 300 s: written only alongside caching, to be explicit.
  if (seconds !== undefined ? seconds < MIN_TTL_SECONDS : !ttl && caching !== 'ok') {
    writes.push(['cacheTtl', () => `${source.ensureImport('core', 'Duration')}.seconds(${options.ttlSeconds})`]);
  }

  const findings: CdkFindingInput[] = [];
  if (computed.length > 0) {
    findings.push({ ...where, messageId: 'cacheComputed', message: `${name}: caching options are computed.`, manual: `${computed.join(', ')} not a literal: make sure they enable the cache with a TTL of at least ${MIN_TTL_SECONDS} s` });
  } else if (writes.length > 0) {
    const onlyEncryption = writes.length === 1 && writes[0]![0] === 'cacheDataEncrypted';
    const holder = site.inDeployOptions ? 'deployOptions' : 'props';
    findings.push({
      ...where,
      messageId: onlyEncryption ? 'cacheNotEncrypted' : 'cacheOff',
      message: onlyEncryption
        ? `${name}: cached responses are now encrypted (cacheDataEncrypted).`
        : `${name}: caching on for all methods (${holder}: ${writes.map(([option]) => option).join(', ')}). A stage-wide setting caches GET methods only; other methods stay uncached. The cache cluster is billed by the hour.`,
      fix: () => setOptions(source, site, writes.map(([option, text]) => [option, text()])),
    });
  }
  if (options.uncachedMethods.length > 0) findings.push(uncachedMethodsByHand(site.call, name, options.uncachedMethods));
  return findings;
}

/** `Duration.seconds(45)`, `cdk.Duration.minutes(5)`: the seconds, when the amount is a number literal. */
function durationSeconds(source: CdkSource, value: Expression): number | undefined {
  if (!Node.isCallExpression(value)) return undefined;
  const callee = value.getExpression();
  const amount = value.getArguments()[0];
  if (!Node.isPropertyAccessExpression(callee) || !amount || !Node.isNumericLiteral(amount)) return undefined;
  const reference = source.resolveReference(callee.getExpression());
  const unit = SECONDS_PER[callee.getName()];
  if (reference?.module !== 'core' || reference.path.join('.') !== 'Duration' || unit === undefined) return undefined;
  return amount.getLiteralValue() * unit;
}

/** CDK keys per-method options by `'/path/METHOD'` in `methodOptions`: shown, not written. */
function uncachedMethodsByHand(call: ConstructCall, name: string, specs: string[]): CdkFindingInput {
  const keys = specs.map((spec) => {
    const [method = '', path = '/'] = spec.trim().split(/\s+/);
    return `'${path === '/' ? '' : path}/${method.toUpperCase()}': { cachingEnabled: false }`;
  });
  return {
    node: call.expression,
    constructPath: call.constructPath,
    messageId: 'methodUncachedByHand',
    message: `${name}: uncachedMethods are not written into CDK code.`,
    manual: `add to the stage options: methodOptions: { ${keys.join(', ')} }`,
  };
}

function noCacheForHttpApis(call: ConstructCall): CdkFindingInput {
  return {
    node: call.expression,
    constructPath: call.constructPath,
    messageId: 'httpApiNoCache',
    message: `${call.className} ${call.constructPath}: HTTP and WebSocket APIs (API Gateway v2) have no cache; nothing to set. Put CloudFront in front if responses should be cached.`,
  };
}
