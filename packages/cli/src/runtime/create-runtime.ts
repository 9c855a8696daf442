import {
  type Consumer,
  MemoryBroker,
  MemoryResultStore,
  type Publisher,
  type ResultStore,
  type WarrenConfig,
} from '@warren/core';

export interface Runtime {
  /** One publisher per region id. */
  publishers: Map<string, Publisher>;
  /** Consumer for this process's own region. */
  consumer: Consumer;
  results: ResultStore;
  describe: string[];
  close(): Promise<void>;
}

/**
 * Picks adapters from the environment: the embedded in-memory broker and result store when
 * nothing is set; real adapters are added by their packages as they land.
 */
export async function createRuntime(
  config: WarrenConfig,
  _env: NodeJS.ProcessEnv = process.env,
): Promise<Runtime> {
  const broker = new MemoryBroker();
  const results = new MemoryResultStore(config.results.ttlS);
  return {
    publishers: new Map([[config.region, broker]]),
    consumer: broker,
    results,
    describe: ['broker: in-memory (embedded)', 'results: in-memory (embedded)'],
    close: async () => {
      await broker.close();
      await results.close();
    },
  };
}
