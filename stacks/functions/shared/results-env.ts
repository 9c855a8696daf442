import { ConfigError, type ResultStore, type WarrenConfig } from '@warren/core';
// Subpaths, not the package root: the root also exports the TCP store, which would pull ioredis
// into the entry chunk (esbuild assigns chunks by import graph, before tree shaking).
import { upstashCeleryMeta, withCeleryResultsFor } from '@warren/results/celery';
import { createUpstashResultStore, upstashClient } from '@warren/results/upstash';
import { ENV } from './deploy-env';
import type { Env } from './worker-env';

/** REDIS_URL (TCP) or the Upstash REST variables; a worker without a result store cannot run. */
export async function resultsFromEnv(env: Env, config: WarrenConfig): Promise<ResultStore> {
  const prefix = env.WARREN_REDIS_PREFIX || undefined; // same variable as the CLI
  // protocol: 'celery' queues also get Celery's result-backend keys (celery-task-meta-<id>).
  if (env.REDIS_URL) {
    // ioredis (~150 KB) is a chunk of its own, loaded only here: Upstash REST is the default.
    const { createRedisResultStore } = await import('@warren/results/tcp');
    const store = createRedisResultStore({ redis: env.REDIS_URL, prefix, defaultTtlS: config.results.ttlS });
    return withCeleryResultsFor(config, store, store.redis);
  }
  const url = env[ENV.upstashUrl];
  const token = env[ENV.upstashToken];
  if (url && token) {
    const client = upstashClient({ url, token });
    const store = createUpstashResultStore({ url, token, prefix, defaultTtlS: config.results.ttlS, client });
    return withCeleryResultsFor(config, store, upstashCeleryMeta(client));
  }
  throw new ConfigError('set REDIS_URL, or UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN');
}
