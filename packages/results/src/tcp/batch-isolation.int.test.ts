import { randomInt } from 'node:crypto';
import { TransportError, uuidv7 } from '@warren/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisResultStore } from './create-redis-result-store';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `warren-test-isolation-${FILE_ID}-${Date.now().toString(36)}:`;
const store = createRedisResultStore({ redis: url, prefix });
const redis = new Redis(url);

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await Promise.all([store.close(), redis.quit()]);
});

// One script call carries up to 128 jobs' transitions. A Redis error on one key (here WRONGTYPE:
// something else wrote the job's key) used to abort the script midway: the keys before it were
// written yet reported failed, the keys after it not written, all rejected.
describe('a Redis error on one key of a batch', () => {
  it.each(['transition', 'create'] as const)('%s: fails that key only', async (op) => {
    const [good1, bad, good2] = [uuidv7(), uuidv7(), uuidv7()];
    await redis.set(store.keys.job(bad), 'not a hash', 'EX', 60);
    const run = (id: string) =>
      op === 'create'
        ? store.create(id, 'queued', { task: 't' })
        : store.transition(id, 'queued', { task: 't' });
    const [a, b, c] = await Promise.allSettled([run(good1), run(bad), run(good2)]);
    expect(a).toMatchObject({ status: 'fulfilled', value: { ok: true } });
    expect(c).toMatchObject({ status: 'fulfilled', value: { ok: true } });
    expect(b.status).toBe('rejected');
    const err = (b as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(TransportError);
    expect(err.message).toMatch(/WRONGTYPE/);
    expect(err.recoverable).toBe(false);
    expect(await redis.hget(store.keys.job(good2), 'state')).toBe('queued');
  });
});
