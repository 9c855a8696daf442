import { randomInt } from 'node:crypto';
import { uuidv7 } from '@warren/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisResultStore } from './create-redis-result-store';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `warren-test-wait-close-${FILE_ID}-${Date.now().toString(36)}:`;

afterAll(async () => {
  const redis = new Redis(url);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('TCP store: close() while waitFor calls are pending', () => {
  it('settles them at once with the record as it is (as a timeout would)', async () => {
    const store = createRedisResultStore({ redis: url, prefix });
    const id = uuidv7();
    await store.create(id, 'queued', { task: 't', ttlS: 60 });
    const waits = [store.waitFor(id, 20_000), store.waitFor(uuidv7(), 20_000)].map((p) =>
      p.then(
        (rec) => ({ rec, at: Date.now() }),
        (err: Error) => ({ err: err.message, at: Date.now() }),
      ),
    );
    await new Promise((r) => setTimeout(r, 500)); // both subscribed, read, and waiting
    const closing = Date.now();
    await store.close();
    const [known, unknown] = await Promise.all(waits);
    // They sat out the 5 s re-read and then failed on the closed connection.
    expect(known).toMatchObject({ rec: { id, state: 'queued' } });
    expect(unknown).toMatchObject({ rec: undefined });
    expect(Math.max(known!.at, unknown!.at) - closing).toBeLessThan(1_000);
  });
});
