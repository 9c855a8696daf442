import { brokerContract, resultStoreContract } from '../testing/index';
import { MemoryBroker } from './memory-broker';
import { MemoryResultStore } from './memory-result-store';

brokerContract('memory', async () => {
  const broker = new MemoryBroker();
  let n = 0;
  return {
    publisher: broker,
    consumer: broker,
    freshQueue: async () => `q${++n}`,
    publishRaw: async (q, body) => broker.publishRaw(q, body),
    deadLetterReasons: async (q) => broker.deadLetters(q).map((d) => d.reason),
    close: () => broker.close(),
  };
});

resultStoreContract('memory', async () => new MemoryResultStore());
