export * from './celery/index';
export { DEFAULT_PREFIX, DEFAULT_TTL_S, type KeyLayout, keyLayout } from './keys';
export { CLAIM_KEY_LUA, RELEASE_KEY_LUA } from './lua/idempotency-scripts';
export { TRANSITION_LUA } from './lua/transition-script';
export { decodeOutcome, decodeRecord, pairsToHash, transitionArgs } from './record-codec';
export {
  type RedisDriver,
  RedisResultStore,
  type RedisStoreOptions,
  type ScriptName,
  type WaitOptions,
} from './redis-result-store';
export { ALLOWED_COMMANDS, refuseCommand } from './rest-server/allow-list';
export { createRedisRestApp, type RedisRestAppOptions } from './rest-server/app';
export { encodeReply } from './rest-server/encode-reply';
export { type RedisRestServer, type ServeRedisRestOptions, serveRedisRest } from './rest-server/serve';
export { toStoreError } from './store-errors';
export { type EnvResultStore, type StoreEnv, type StoreFromEnvOptions, storeFromEnv } from './store-from-env';
export {
  createRedisResultStore,
  type RedisResultStoreOptions,
  STORE_REDIS_OPTIONS,
  TcpResultStore,
} from './tcp/create-redis-result-store';
export {
  createUpstashResultStore,
  DEFAULT_UPSTASH_RETRY,
  type UpstashResultStoreOptions,
  upstashClient,
} from './upstash/create-upstash-result-store';
export { UpstashError, UpstashRest, type UpstashRestOptions } from './upstash/upstash-rest';
