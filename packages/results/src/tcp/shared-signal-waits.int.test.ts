import { uuidv7 } from '@warren/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisResultStore } from './create-redis-result-store';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `warren-test-shared-signal-${uuidv7().slice(-8)}:`;

afterAll(async () => {
  const raw = new Redis(url);
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length) await raw.del(...keys);
  await raw.quit();
});

describe('TCP waitFor: many waits given one AbortSignal', () => {
  it('all end when it aborts, and Node warns of no listener leak', async () => {
    const store = createRedisResultStore({ redis: url, prefix });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const ids = Array.from({ length: 50 }, () => uuidv7());
      await Promise.all(ids.map((id) => store.transition(id, 'running', { owner: 'w' })));
      // One shutdown signal for every wait, as an app passes its own to each call.
      const ac = new AbortController();
      const waits = ids.map((id) => store.waitFor(id, 20_000, { signal: ac.signal }));
      await new Promise((r) => setTimeout(r, 300));
      ac.abort();
      const recs = await Promise.all(waits);
      expect(recs.map((r) => r?.state)).toEqual(ids.map(() => 'running'));
      await new Promise((r) => setImmediate(r));
      // Before: "MaxListenersExceededWarning: Possible EventTarget memory leak detected. 11 abort
      // listeners added to [AbortSignal]" (one listener per wait).
      expect(warnings.filter((w) => /abort listeners/.test(w))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await store.close();
    }
  });
});
