import { createRedisResultStore } from '@warren/results';
import { createDirectClient } from '@warren/sdk/direct';
import { Redis } from 'ioredis';
import { BenchSkip } from '../lib/types';
import { atRate, deleteAmqpQueue, deleteKeys, inFlight, now, REDIS_URL, type Round } from './common';
import { nodeSide, type Producer, type SideRunner } from './pipeline';
import { benchConfig, loadAmqpBroker, storeRedis, WARREN_CONCURRENCY } from './warren-config';

/**
 * warren's producer: `@warren/sdk/direct` over the amqp adapter's publisher (confirm per job,
 * quorum queue) and the Redis result store (the `queued` record written after the confirm).
 * `single`: 1000 enqueues in flight, as the raw baseline; `many`: enqueueMany in batches of
 * 1000, as BullMQ's addBulk.
 */
export function warrenProducer(mode: 'single' | 'many' = 'single', window = 1000): Producer {
  let broker: Awaited<ReturnType<typeof loadAmqpBroker>> | undefined;
  let client: ReturnType<typeof createDirectClient> | undefined;
  let results: ReturnType<typeof createRedisResultStore> | undefined;
  let conn: ReturnType<typeof storeRedis> | undefined;
  const enqueue = (t0?: number) =>
    client!.enqueue('add', { a: 1, b: 2, ...(t0 === undefined ? {} : { t0 }) });
  return {
    async open(round: Round) {
      const config = benchConfig(round, WARREN_CONCURRENCY);
      broker = await loadAmqpBroker(config);
      conn = storeRedis(REDIS_URL);
      results = createRedisResultStore({ redis: conn.redis, prefix: `${round.prefix}:` });
      client = createDirectClient({
        config,
        publishers: new Map([[config.region, broker.publisher]]),
        results,
      });
    },
    async burst(_round, n, tick) {
      if (mode === 'single') return inFlight(n, window, () => enqueue(), tick);
      for (let i = 0; i < n; i += window) {
        const k = Math.min(window, n - i);
        const out = await client!.enqueueMany(
          Array.from({ length: k }, () => ({ task: 'add', input: { a: 1, b: 2 } })),
        );
        const refused = out.find((r) => r.status !== 202);
        if (refused) throw new Error(`enqueueMany: ${refused.status} ${refused.problem?.detail ?? ''}`);
        tick?.(k);
      }
    },
    rate: (_round, rate, ms) => atRate(rate, ms, () => enqueue(now())),
    async close(round) {
      await broker?.close().catch(() => {});
      await results?.close().catch(() => {});
      conn?.close();
      await deleteAmqpQueue(round.queue).catch(() => {});
      const redis = new Redis(REDIS_URL);
      await deleteKeys(redis, `${round.prefix}:*`).finally(() => redis.disconnect());
    },
  };
}

/** The warren side; a BenchSkip (with the reason) when the adapter cannot reach RabbitMQ. */
export function warrenSide(mode: 'single' | 'many' = 'single'): SideRunner {
  const inner = nodeSide('warren', () => warrenProducer(mode));
  return {
    ...inner,
    async setup(ctx) {
      try {
        const round = { queue: 'bench.warren.probe', prefix: 'bench.warren.probe' };
        const broker = await loadAmqpBroker(benchConfig(round, 1));
        await broker.close();
        await deleteAmqpQueue(round.queue).catch(() => {});
      } catch (err) {
        throw new BenchSkip(`warren amqp adapter unavailable: ${(err as Error).message.split('\n')[0]}`);
      }
      await inner.setup?.(ctx);
    },
  };
}
