import type { TransformMeta } from '../../src/transform.js';

export interface CacheOptions {
  cacheClusterSize: string;
  ttlSeconds: number;
  encryptCache: boolean;
  uncachedMethods: string[];
}

/** The cache sizes API Gateway offers, in GB (`CacheClusterSize`). */
const CACHE_CLUSTER_SIZES = ['0.5', '1.6', '6.1', '13.5', '28.4', '58.2', '118', '237'];

export const meta: TransformMeta = {
  id: 'apigw-cache',
  title: 'Enable API Gateway stage caching, encrypted',
  failure: 'A REST API stage serves every request from its backend: no cache cluster, or no caching for all methods',
  docsUrl: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html',
  seeAlso: ['HIPAA.Security-APIGWCacheEnabledAndEncrypted', 'NIST.800.53.R5-APIGWCacheEnabledAndEncrypted', 'CKV_AWS_120'],
  options: {
    cacheClusterSize: {
      type: 'string',
      default: '0.5',
      enum: CACHE_CLUSTER_SIZES,
      description: 'Cache size in GB for a stage whose cache cluster stackfix turns on. The cache is billed by the hour by size.',
    },
    ttlSeconds: {
      type: 'number',
      default: 300,
      min: 30,
      max: 3600,
      description: 'CacheTtlInSeconds written when absent or below 30 (API Gateway default 300; 0 would disable caching).',
    },
    encryptCache: {
      type: 'boolean',
      default: true,
      description: 'Also set CacheDataEncrypted: true (an unencrypted cache is its own finding in cdk-nag and checkov).',
    },
    uncachedMethods: {
      type: 'string[]',
      default: [],
      description: 'Methods never to cache, as "METHOD /resource/path" (e.g. "GET /me"): each gets a MethodSettings entry with CachingEnabled: false.',
    },
  },
};
