import { ConfigError, type ResultStore, type WarrenConfig } from '@warren/core';
// A subpath, not the package root: the root also exports the TCP store statically, which would
// pull ioredis into the entry chunk; here it is a chunk loaded only when REDIS_URL is set.
import { storeFromEnv } from '@warren/results/env';
import type { Env } from './worker-env';

/** REDIS_URL (TCP) or the Upstash REST variables; a worker without a result store cannot run. */
export async function resultsFromEnv(env: Env, config: WarrenConfig): Promise<ResultStore> {
  const store = await storeFromEnv(config, env);
  if (!store) throw new ConfigError('set REDIS_URL, or UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN');
  return store.results;
}
