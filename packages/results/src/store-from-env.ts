import { ConfigError, type ResultStore, redactUrl, type WarrenConfig } from '@warren/core';
import type { Redis } from 'ioredis';
import type { CeleryMetaRedis } from './celery/celery-meta-redis';
import { DEFAULT_PREFIX } from './keys';
import { checkRedisUrlShape } from './redis-url-shape';

import { toStoreError } from './store-errors';
import { createUpstashResultStore, upstashClient } from './upstash/create-upstash-result-store';

export type StoreEnv = Record<string, string | undefined>;

export interface EnvResultStore {
  kind: 'tcp' | 'upstash';
  /** The store, wrapped so `protocol: 'celery'` queues also get Celery's result-backend keys. */
  results: ResultStore;
  /** One line for start-up logs, credentials redacted. */
  describe: string;
  close(): Promise<void>;
}

export interface StoreFromEnvOptions {
  /** TCP connection errors while ioredis reconnects. */
  onError?: (err: Error) => void;
  /**
   * PING before returning, so a wrong REDIS_URL (or Upstash URL or token) fails at start-up rather
   * than on the first job; TCP: and read the eviction policy (see evictionWarning).
   */
  ping?: boolean;
  /** What is worth a line at start-up: a Redis that may evict job records. */
  onWarning?: (message: string) => void;
}

/**
 * The result store the environment names, shared by the CLI and the Lambda entries:
 * `REDIS_URL` → Redis over TCP (ioredis, loaded with `import()` only here, so Lambda bundles keep
 * it out of the cold start); `UPSTASH_REDIS_REST_URL` + `UPSTASH_REDIS_REST_TOKEN` → Upstash
 * REST; neither → undefined (the caller decides: in-memory for `warren dev`, an error on Lambda).
 * `WARREN_REDIS_PREFIX` overrides the key prefix.
 */
export async function storeFromEnv(
  config: WarrenConfig,
  env: StoreEnv,
  opts: StoreFromEnvOptions = {},
): Promise<EnvResultStore | undefined> {
  const prefix = env.WARREN_REDIS_PREFIX || DEFAULT_PREFIX;
  const defaultTtlS = config.results.ttlS;
  if (env.REDIS_URL) {
    const { createRedisResultStore } = await import('./tcp/create-redis-result-store');
    checkRedisUrlShape(env.REDIS_URL);
    let store: ReturnType<typeof createRedisResultStore>;
    // Until the start-up check passes, connection errors are its failure's cause, not lines of
    // their own: a refused connection printed 'connect ECONNREFUSED' and then the ping's 'Reached
    // the max retries per request limit (which is 0)', which says nothing of why.
    let checking = !!opts.ping;
    let early: Error | undefined;
    const onError = (err: Error) => {
      if (checking) early = err;
      else opts.onError?.(err);
    };
    try {
      store = createRedisResultStore({ redis: env.REDIS_URL, prefix, defaultTtlS, onError });
    } catch (err) {
      throw unparsableUrl(err);
    }
    if (opts.ping) {
      try {
        await store.redis.ping();
        // A database past the server's count: its SELECT at connect was refused as an 'error'
        // event only, the connection stayed on database 0 and every record would land there.
        const db = store.redis.options.db;
        if (db) await store.redis.select(db);
      } catch (err) {
        // The caller gets no store to close: left open, it would reconnect (and report) forever.
        store.redis.disconnect();
        const cause = (err as Error)?.name === 'MaxRetriesPerRequestError' && early ? early : err;
        throw toStoreError(cause, `ping of ${redactUrl(env.REDIS_URL)}`);
      }
      checking = false;
      const warning = evictionWarning(await store.redis.info('memory').catch(() => ''));
      if (warning) opts.onWarning?.(warning);
    }
    return {
      kind: 'tcp',
      results: await withCeleryResultsLoaded(config, store, () => store.redis),
      describe: `results: redis ${redactUrl(env.REDIS_URL)} (TCP, keys ${prefix}job:<id>, ttl ${defaultTtlS}s)`,
      close: () => store.close(),
    };
  }
  const url = env.UPSTASH_REDIS_REST_URL;
  const token = env.UPSTASH_REDIS_REST_TOKEN;
  if (!url && !token) return undefined;
  if (!url || !token) throw new ConfigError('set both UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN');
  const client = upstashClient({ url, token });
  const store = createUpstashResultStore({ url, token, prefix, defaultTtlS, client });
  // As REDIS_URL's: an endpoint that does not answer, or a wrong token, fails the start-up rather
  // than every job (the worker had started, then released each delivery on a store error).
  if (opts.ping) {
    try {
      await client.command(['PING']);
    } catch (err) {
      // fetch says only 'fetch failed'; its cause names the refusal (ECONNREFUSED, ENOTFOUND).
      const why = err instanceof TypeError && err.cause instanceof Error ? err.cause : err;
      throw toStoreError(why, `ping of ${redactUrl(url)}`);
    }
  }
  return {
    kind: 'upstash',
    results: await withCeleryResultsLoaded(config, store, async () =>
      (await import('./celery/celery-meta-redis')).upstashCeleryMeta(client),
    ),
    describe: `results: upstash REST ${redactUrl(url)} (keys ${prefix}job:<id>, ttl ${defaultTtlS}s)`,
    close: () => store.close(),
  };
}

/**
 * The store wrapped for the config's `protocol: 'celery'` queues (withCeleryResultsFor), the
 * Celery layer loaded only when there is one: a chunk of its own in a Lambda bundle, out of the
 * SQS worker's import budget (its queues cannot be Celery ones).
 */
async function withCeleryResultsLoaded(
  config: WarrenConfig,
  store: ResultStore,
  redis: () => Redis | CeleryMetaRedis | Promise<CeleryMetaRedis>,
): Promise<ResultStore> {
  if (!Object.values(config.queues).some((q) => q.protocol === 'celery')) return store;
  const { withCeleryResultsFor } = await import('./celery/celery-results-for-config');
  return withCeleryResultsFor(config, store, await redis());
}

/**
 * A Redis with a maxmemory and an eviction policy drops keys under memory pressure without a
 * word, job records among them (each has a TTL, so volatile-* takes them too): a queued job then
 * reads 404 and a reused idempotency key enqueues a second job. BullMQ asks for noeviction too.
 * Read from INFO (managed Redis often renames CONFIG); undefined when it cannot tell.
 */
export function evictionWarning(infoMemory: string): string | undefined {
  const policy = /^maxmemory_policy:(\S+)/m.exec(infoMemory)?.[1];
  const maxmemory = Number(/^maxmemory:(\d+)/m.exec(infoMemory)?.[1] ?? 0);
  if (!policy || policy === 'noeviction' || maxmemory === 0) return undefined;
  return `results redis: maxmemory-policy is ${policy}: at its maxmemory Redis evicts keys, job records and idempotency keys among them (a waiting job then reads 404, a reused key enqueues again); set maxmemory-policy noeviction (a full Redis then refuses writes, which workers retry)`;
}

/**
 * ioredis' parse error for a malformed REDIS_URL says only "Invalid URL" or "URI malformed"
 * (not which setting), and Node's keeps the whole URL, password included, in its `input` field,
 * which util.inspect and Lambda's uncaught-error log print. A generated password with # / ? or %
 * not percent-encoded is the usual cause.
 */
function unparsableUrl(err: unknown): unknown {
  const e = err as { code?: string; name?: string };
  if (e?.code !== 'ERR_INVALID_URL' && e?.name !== 'URIError') return err;
  return new ConfigError(
    'REDIS_URL is not a valid URL: percent-encode reserved characters in its user name and password (# as %23, / as %2F, ? as %3F, @ as %40, % as %25)',
  );
}
