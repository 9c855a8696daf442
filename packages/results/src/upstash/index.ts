/**
 * Edge-safe entry (`@warren/results/upstash`): the REST store and the shared layout only — no
 * ioredis, no node:* imports — for Lambda and edge bundles.
 */
export { DEFAULT_PREFIX, DEFAULT_TTL_S, type KeyLayout, keyLayout } from '../keys';
export { RedisResultStore, type WaitOptions } from '../redis-result-store';
export {
  createUpstashResultStore,
  DEFAULT_UPSTASH_RETRY,
  type UpstashResultStoreOptions,
  upstashClient,
} from './create-upstash-result-store';
export {
  type CallInfo,
  type RedisArg,
  UpstashError,
  UpstashRest,
  type UpstashRestOptions,
  type UpstashRetry,
  type UpstashScript,
} from './upstash-rest';
