import { randomInt } from 'node:crypto';
import { uuidv7 } from '@warren/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisResultStore } from './create-redis-result-store';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `warren-test-bounds-${FILE_ID}-${Date.now().toString(36)}:`;
const store = createRedisResultStore({ redis: url, prefix });
const redis = new Redis(url);

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await Promise.all([store.close(), redis.quit()]);
});

// TTLs and leases come from task options (`resultTtlS`) that nothing bounds; Redis takes only
// whole seconds in int64 range. Out-of-range values must neither fail the batch they share with
// other jobs' transitions nor leave a record without a TTL (it would never expire).
describe('TTL and lease values Redis cannot take as they are', () => {
  it.each([1e20, Number.POSITIVE_INFINITY, Number.NaN])(
    'ttlS %s: the batch goes through and the record keeps a TTL',
    async (ttlS) => {
      const [other, odd] = [uuidv7(), uuidv7()];
      const [a, b] = await Promise.all([
        store.transition(other, 'queued', { task: 't' }),
        store.transition(odd, 'queued', { task: 't', ttlS }),
      ]);
      expect(a.ok && b.ok).toBe(true);
      expect(await redis.ttl(store.keys.job(odd))).toBeGreaterThan(0);
      const created = uuidv7();
      expect((await store.create(created, 'queued', { task: 't', ttlS })).ok).toBe(true);
      expect(await redis.ttl(store.keys.job(created))).toBeGreaterThan(0);
    },
  );

  it.each([0, -5])(
    'ttlS %s: the record is still written and returned (at least one second)',
    async (ttlS) => {
      const id = uuidv7();
      const out = await store.transition(id, 'queued', { task: 't', ttlS });
      expect(out).toMatchObject({ ok: true, record: { id, state: 'queued' } });
      expect(await redis.ttl(store.keys.job(id))).toBe(1);
    },
  );

  it.each([Number.POSITIVE_INFINITY, 1e300])('leaseMs %s holds the lease, as in memory', async (leaseMs) => {
    const id = uuidv7();
    expect((await store.transition(id, 'running', { owner: 'a', leaseMs })).ok).toBe(true);
    expect(await store.transition(id, 'running', { owner: 'b' })).toMatchObject({
      ok: false,
      reason: 'lease-held',
    });
  });

  it.each([0.5, 0, 1e20])('claimIdempotencyKey with ttlS %s claims the key with a TTL', async (ttlS) => {
    const key = `k-${uuidv7()}`;
    expect(await store.claimIdempotencyKey(key, 'id-1', ttlS)).toBe('id-1');
    expect(await store.claimIdempotencyKey(key, 'id-2', ttlS)).toBe('id-1');
    expect(await redis.ttl(store.keys.idem(key))).toBeGreaterThan(0);
  });
});
