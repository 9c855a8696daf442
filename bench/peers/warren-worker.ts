import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { REDIS_URL } from './common';
import { benchConfig, loadAmqpBroker, storeRedis, WARREN_CONCURRENCY } from './warren-config';
import type { StartWorker } from './worker-host';

/**
 * warren's long-running worker over the amqp adapter's consumer, results in the Redis store
 * (running → succeeded transitions, Lua), ack after the result is written. A job counts as done
 * on the executor's `succeeded` event, which follows the result write and the ack.
 */
export const startWorker: StartWorker = async (round, onResult) => {
  const config = benchConfig(round, WARREN_CONCURRENCY);
  const broker = await loadAmqpBroker(config);
  const conn = storeRedis(REDIS_URL);
  const results = createRedisResultStore({ redis: conn.redis, prefix: `${round.prefix}:` });
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results,
    concurrency: WARREN_CONCURRENCY,
    onEvent: (e) => {
      if (e.type === 'succeeded') onResult((e.job.input as { t0?: number } | null)?.t0);
    },
  });
  await worker.start();
  return {
    async stop() {
      await worker.stop(5_000);
      await broker.close();
      await results.close();
      conn.close();
    },
  };
};
