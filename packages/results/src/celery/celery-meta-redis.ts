import type { Redis as IoRedis } from 'ioredis';
import type { UpstashRest } from '../upstash/upstash-rest';

/**
 * Celery's RedisBackend `_set` (SETEX + PUBLISH on the key) behind `_store_result`'s guard:
 * a SUCCESS already stored is never overwritten (a duplicate delivery must not clobber it).
 */
export const STORE_META_LUA = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, m = pcall(cjson.decode, cur)
  if ok and type(m) == 'table' and m.status == 'SUCCESS' then return 0 end
end
redis.call('SETEX', KEYS[1], ARGV[2], ARGV[1])
redis.call('PUBLISH', KEYS[1], ARGV[1])
return 1`;

/** What Celery-meta support needs from Redis, over TCP or Upstash REST. */
export interface CeleryMetaRedis {
  /** Runs STORE_META_LUA: 1 = written, 0 = a SUCCESS was already there. */
  storeMeta(key: string, json: string, expiresS: number): Promise<unknown>;
  getMeta(key: string): Promise<string | null>;
}

export function ioredisCeleryMeta(redis: IoRedis): CeleryMetaRedis {
  return {
    storeMeta: (key, json, expiresS) => redis.eval(STORE_META_LUA, 1, key, json, String(expiresS)),
    getMeta: (key) => redis.get(key),
  };
}

/** For Lambda/edge workers whose results go through Upstash REST (EVALSHA, EVAL on NOSCRIPT). */
export function upstashCeleryMeta(redis: UpstashRest): CeleryMetaRedis {
  const script = redis.script(STORE_META_LUA);
  return {
    storeMeta: (key, json, expiresS) => script.exec([key], [json, String(expiresS)]),
    getMeta: (key) => redis.command<string | null>(['GET', key]),
  };
}

export function isCeleryMetaRedis(r: unknown): r is CeleryMetaRedis {
  return typeof (r as CeleryMetaRedis).storeMeta === 'function';
}
