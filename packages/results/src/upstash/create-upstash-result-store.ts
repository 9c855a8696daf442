import { Redis } from '@upstash/redis';
import { DEFAULT_PREFIX, keyLayout } from '../keys';
import { CLAIM_KEY_LUA, RELEASE_KEY_LUA } from '../lua/idempotency-scripts';
import { TRANSITION_LUA } from '../lua/transition-script';
import { pairsToHash } from '../record-codec';
import { RedisResultStore, type ScriptName } from '../redis-result-store';

type RetryConfig = false | { retries?: number; backoff?: (retryCount: number) => number };

export interface UpstashResultStoreOptions {
  /** `UPSTASH_REDIS_REST_URL` (or the local endpoint of `warren redis-rest`). */
  url: string;
  token: string;
  prefix?: string;
  defaultTtlS?: number;
  defaultLeaseMs?: number;
  /**
   * @upstash/redis retries failed fetches (network errors only). Production default: 3 retries,
   * 100 ms doubling. Tests pass `false` so an outage surfaces at once instead of being hidden.
   */
  retry?: RetryConfig;
  /** A client to use as is (its options are the caller's business); `url`/`token` are then ignored. */
  client?: Redis;
}

export const DEFAULT_UPSTASH_RETRY: RetryConfig = { retries: 3, backoff: (n) => 100 * 2 ** n };

/** The @upstash/redis client the store uses (shareable, e.g. with the Celery meta writer). */
export function upstashClient(opts: Pick<UpstashResultStoreOptions, 'url' | 'token' | 'retry'>): Redis {
  return new Redis({
    url: opts.url,
    token: opts.token,
    // The store decodes the hash itself: automatic JSON parsing would turn "5" into 5.
    automaticDeserialization: false,
    enableTelemetry: false,
    retry: opts.retry ?? DEFAULT_UPSTASH_RETRY,
  });
}

/**
 * The REST result store on @upstash/redis: fetch only, so it runs on Lambda and edge runtimes
 * without a TCP pool. Scripts go through `Script.exec` (EVALSHA, EVAL on NOSCRIPT).
 */
export function createUpstashResultStore(opts: UpstashResultStoreOptions): RedisResultStore {
  const redis = opts.client ?? upstashClient(opts);
  const scripts: Record<ScriptName, ReturnType<Redis['createScript']>> = {
    transition: redis.createScript(TRANSITION_LUA),
    claim: redis.createScript(CLAIM_KEY_LUA),
    release: redis.createScript(RELEASE_KEY_LUA),
  };
  return new RedisResultStore(
    {
      script: (name, keys, args) => scripts[name].exec(keys, args),
      hgetall: async (key) => {
        const raw: unknown = await redis.hgetall(key);
        if (Array.isArray(raw)) return pairsToHash(raw);
        // With automatic deserialization on (a caller's client), values may come back parsed.
        const hash: Record<string, string> = {};
        for (const [k, v] of Object.entries(raw ?? {}))
          hash[k] = typeof v === 'string' ? v : JSON.stringify(v);
        return hash;
      },
      close: async () => {},
    },
    {
      keys: keyLayout(opts.prefix ?? DEFAULT_PREFIX),
      defaultTtlS: opts.defaultTtlS,
      defaultLeaseMs: opts.defaultLeaseMs,
    },
  );
}
