import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, type WarrenConfig } from '@warren/core';
import { STORE_REDIS_OPTIONS } from '@warren/results';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { AMQP_URL, type Round } from './common';

/** The bench task, bound to this round's quorum queue. `t0` rides in the input for latency. */
export function benchConfig(round: Round, concurrency: number): WarrenConfig {
  const add = defineTask({
    name: 'add',
    queue: round.queue,
    input: z.object({ a: z.number(), b: z.number(), t0: z.number().optional() }),
    handler: ({ a, b }) => a + b,
  });
  return defineConfig({
    region: 'local',
    queues: { [round.queue]: { type: 'quorum' } },
    worker: { concurrency, queues: [round.queue], shutdownTimeoutMs: 5_000 },
    tasks: [add],
  });
}

/** warren's RabbitMQ adapter, connected, for this round's queues. */
export async function loadAmqpBroker(config: WarrenConfig) {
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
  await broker.connect();
  return broker;
}

/**
 * Worker concurrency = broker prefetch (env BENCH_WARREN_CONCURRENCY to experiment). 500: the
 * result store batches the transitions of one event-loop turn, so more deliveries in flight mean
 * fewer, larger Redis calls (c200 → c500 measured ~+10%, c1000 no further gain; raw uses 1000).
 */
export const WARREN_CONCURRENCY = Number(process.env.BENCH_WARREN_CONCURRENCY ?? 500);

/**
 * The ioredis connection the result store gets: the store's own fail-fast options, plus
 * auto-pipelining when BENCH_WARREN_AUTOPIPELINE=1 (an option any user can pass the same way).
 */
export function storeRedis(url: string): { redis: Redis | string; close(): void } {
  if (process.env.BENCH_WARREN_AUTOPIPELINE !== '1') return { redis: url, close() {} };
  const redis = new Redis(url, { ...STORE_REDIS_OPTIONS, enableAutoPipelining: true });
  return { redis, close: () => redis.disconnect() };
}
