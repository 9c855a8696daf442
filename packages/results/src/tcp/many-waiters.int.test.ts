import { randomInt } from 'node:crypto';
import { uuidv7 } from '@warren/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisResultStore } from './create-redis-result-store';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `warren-test-many-waiters-${FILE_ID}-${Date.now().toString(36)}:`;
const raw = new Redis(url);

afterAll(async () => {
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length) await raw.del(...keys);
  await raw.quit();
});

describe('TCP waitFor with many waiters', () => {
  it('wakes every waiter of every job, and leaves no channel subscribed behind', async () => {
    const store = createRedisResultStore({ redis: url, prefix });
    try {
      const ids = Array.from({ length: 200 }, () => uuidv7());
      await Promise.all(ids.map((id) => store.transition(id, 'running', { owner: 'w' })));
      // Three waiters per job: two wait for the end, one times out first; and one that aborts.
      const ac = new AbortController();
      const waits = ids.flatMap((id) => [
        store.waitFor(id, 10_000),
        store.waitFor(id, 10_000),
        store.waitFor(id, 200),
      ]);
      const aborted = store.waitFor(uuidv7(), 10_000, { signal: ac.signal });
      await new Promise((r) => setTimeout(r, 300));
      ac.abort();
      expect(await aborted).toBeUndefined();
      const t0 = Date.now();
      await Promise.all(ids.map((id, i) => store.transition(id, 'succeeded', { owner: 'w', result: i })));
      const recs = await Promise.all(waits);
      expect(Date.now() - t0).toBeLessThan(2_000);
      recs.forEach((rec, n) => {
        expect(rec?.state).toBe(n % 3 === 2 ? 'running' : 'succeeded');
      });
      // Each channel is unsubscribed once its last waiter is done.
      await new Promise((r) => setTimeout(r, 200));
      expect(await raw.pubsub('CHANNELS', `${prefix}*`)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
