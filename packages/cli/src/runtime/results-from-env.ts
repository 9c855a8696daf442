import { MemoryResultStore, type WarrenConfig } from '@warren/core';
// The subpath, not the index: the index re-exports the TCP store, and a Lambda bundle (the
// ingest's) then loaded ioredis at import even with Upstash configured.
import { type EnvResultStore, storeFromEnv } from '@warren/results/env';

export type ResultsRuntime = Omit<EnvResultStore, 'kind'>;

/**
 * `REDIS_URL` → Redis over TCP, `UPSTASH_REDIS_REST_URL` + `UPSTASH_REDIS_REST_TOKEN` → Upstash
 * REST (see storeFromEnv); neither → the embedded in-memory store.
 */
export async function resultsFromEnv(
  config: WarrenConfig,
  env: NodeJS.ProcessEnv,
  ping = true, // fail at start-up, not on the first job
): Promise<ResultsRuntime> {
  const store = await storeFromEnv(config, env, {
    ping,
    onError: (err) => console.error(`results redis: ${err.message}`),
    onWarning: (message) => console.warn(message),
  });
  if (store) return store;
  const results = new MemoryResultStore(config.results.ttlS);
  return { results, describe: 'results: in-memory (embedded)', close: () => results.close() };
}
