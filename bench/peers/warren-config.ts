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

export interface AmqpBrokerLike {
  publisher: import('@warren/core').Publisher;
  consumer: import('@warren/core').Consumer;
  connect(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `@warren/amqp` is loaded dynamically so the rest of the bench runs while the adapter is being
 * built; its absence makes the warren side a BenchSkip, never a fake.
 */
export async function loadAmqpBroker(config: WarrenConfig): Promise<AmqpBrokerLike> {
  const spec = '@warren/amqp';
  const mod = (await import(spec)) as {
    createAmqpBroker?: (o: { urls: string[]; queues: WarrenConfig['queues'] }) => AmqpBrokerLike;
  };
  if (!mod.createAmqpBroker) throw new Error('@warren/amqp does not export createAmqpBroker yet');
  const broker = mod.createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
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
