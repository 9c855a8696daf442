import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { atRate, deleteKeys, inFlight, now, REDIS_URL, type Round } from './common';
import type { Producer } from './pipeline';

/**
 * BullMQ producer on the same Redis. `bulk`: addBulk in batches of 1000 (its fastest path);
 * otherwise `add` with 100 in flight. Acknowledged = Redis replied: in memory only unless Redis
 * runs with AOF (it does not here, see the machine line).
 */
export function bullmqProducer(mode: 'bulk' | 'add'): Producer {
  let queue: Queue | undefined;
  return {
    async open(round: Round) {
      const url = new URL(REDIS_URL);
      queue = new Queue(round.queue, {
        connection: { host: url.hostname, port: Number(url.port || 6379) },
        prefix: round.prefix,
      });
      await queue.waitUntilReady();
    },
    async burst(_round, n, tick) {
      if (mode === 'add') return inFlight(n, 100, () => queue!.add('add', { a: 1, b: 2 }), tick);
      const batch = 1000;
      for (let i = 0; i < n; i += batch) {
        const k = Math.min(batch, n - i);
        await queue!.addBulk(Array.from({ length: k }, () => ({ name: 'add', data: { a: 1, b: 2 } })));
        tick?.(k);
      }
    },
    rate: (_round, rate, ms) => atRate(rate, ms, () => queue!.add('add', { a: 1, b: 2, t0: now() })),
    async close(round) {
      await queue?.close();
      const redis = new Redis(REDIS_URL);
      await deleteKeys(redis, `${round.prefix}:*`).finally(() => redis.disconnect());
    },
  };
}
