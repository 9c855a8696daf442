import { MemoryResultStore, type ResultStore, type WarrenConfig } from '@warren/core';
import {
  createRedisResultStore,
  createUpstashResultStore,
  DEFAULT_PREFIX,
  upstashCeleryMeta,
  upstashClient,
  withCeleryResultsFor,
} from '@warren/results';

export interface ResultsRuntime {
  results: ResultStore;
  describe: string;
  close(): Promise<void>;
}

const redact = (url: string) => url.replace(/\/\/([^@/]*)@/, '//***@');

/**
 * `REDIS_URL` → Redis over TCP (ioredis); `UPSTASH_REDIS_REST_URL` + `UPSTASH_REDIS_REST_TOKEN`
 * → Redis over Upstash REST; neither → the embedded in-memory store. `WARREN_REDIS_PREFIX`
 * overrides the key prefix (default `warren:`).
 */
export async function resultsFromEnv(config: WarrenConfig, env: NodeJS.ProcessEnv): Promise<ResultsRuntime> {
  const prefix = env.WARREN_REDIS_PREFIX || DEFAULT_PREFIX;
  const defaultTtlS = config.results.ttlS;
  if (env.REDIS_URL) {
    const results = createRedisResultStore({
      redis: env.REDIS_URL,
      prefix,
      defaultTtlS,
      onError: (err) => console.error(`results redis: ${err.message}`),
    });
    await results.redis.ping(); // fail at start-up, not on the first job
    return {
      // protocol: 'celery' queues also get Celery's result-backend keys (celery-task-meta-<id>).
      results: withCeleryResultsFor(config, results, results.redis),
      describe: `results: redis ${redact(env.REDIS_URL)} (TCP, keys ${prefix}job:<id>, ttl ${defaultTtlS}s)`,
      close: () => results.close(),
    };
  }
  const url = env.UPSTASH_REDIS_REST_URL;
  const token = env.UPSTASH_REDIS_REST_TOKEN;
  if (url || token) {
    if (!url || !token) throw new Error('set both UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN');
    const client = upstashClient({ url, token });
    const results = createUpstashResultStore({ url, token, prefix, defaultTtlS, client });
    return {
      results: withCeleryResultsFor(config, results, upstashCeleryMeta(client)),
      describe: `results: upstash REST ${url} (keys ${prefix}job:<id>, ttl ${defaultTtlS}s)`,
      close: () => results.close(),
    };
  }
  const results = new MemoryResultStore(defaultTtlS);
  return { results, describe: 'results: in-memory (embedded)', close: () => results.close() };
}
