import { MemoryResultStore, type ResultStore, type WarrenConfig } from '@warren/core';

export interface ResultsRuntime {
  results: ResultStore;
  describe: string;
  close(): Promise<void>;
}

/** The embedded in-memory result store unless the environment names Redis or Upstash. */
export async function resultsFromEnv(config: WarrenConfig, _env: NodeJS.ProcessEnv): Promise<ResultsRuntime> {
  const results = new MemoryResultStore(config.results.ttlS);
  return { results, describe: 'results: in-memory (embedded)', close: () => results.close() };
}
