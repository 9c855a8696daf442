import { randomInt } from 'node:crypto';
import { uuidv7 } from '@warren/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisRestServer, serveRedisRest } from '../rest-server/serve';
import { createUpstashResultStore } from './create-upstash-result-store';
import { UpstashRest } from './upstash-rest';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const PORT = 26307; // this helper's range is 26300-26399
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `warren-test-batch-size-${FILE_ID}-${Date.now().toString(36)}:`;
/** Upstash refuses a request over 10 MB ("ERR max request size exceeded"). */
const UPSTASH_MAX_REQUEST = 10 * 1024 * 1024;

let server: RedisRestServer;
beforeAll(async () => {
  server = await serveRedisRest({ port: PORT, redisUrl, token: 't' });
});
afterAll(async () => {
  await server?.close();
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('batched transitions over Upstash REST', () => {
  // Each job's result fits in a request alone; thirty finishing in one turn went as one 12 MB
  // EVALSHA, which Upstash refuses as a whole: every job of the batch failed.
  it('keep every request under the size Upstash accepts', async () => {
    const sizes: number[] = [];
    const client = new UpstashRest({
      url: server.url,
      token: 't',
      retry: false,
      fetch: (url, init) => {
        sizes.push(new TextEncoder().encode(String(init?.body)).length);
        return fetch(url, init);
      },
    });
    const store = createUpstashResultStore({ url: server.url, token: 't', prefix, client });
    const result = 'x'.repeat(400 * 1024);
    const ids = Array.from({ length: 30 }, () => uuidv7());
    const outs = await Promise.all(
      ids.map((id) => store.transition(id, 'queued', { task: 't', result, returnRecord: false })),
    );
    expect(outs.every((o) => o.ok)).toBe(true);
    expect(Math.max(...sizes)).toBeLessThan(UPSTASH_MAX_REQUEST);
    expect(sizes.length).toBeLessThan(30); // still batched
  });

  // A batch the endpoint refuses whole for its size (413, Upstash's "max request size exceeded")
  // ran none of its transitions: each is one job's write, tried again alone, so only the job
  // that is too large alone is refused. Before, a small job's write in the same turn as a large
  // one was refused for good with it, and the worker dead-lettered the small job (stop 27's CI).
  it('refuse only the transition too large alone, not its batch neighbours', async () => {
    const small = await serveRedisRest({ port: 0, redisUrl, token: 't', maxRequestBytes: 64 * 1024 });
    const store = createUpstashResultStore({ url: small.url, token: 't', prefix });
    try {
      const [big, ok] = await Promise.allSettled([
        store.transition(uuidv7(), 'queued', { task: 't', input: 'x'.repeat(100_000), returnRecord: false }),
        store.transition(uuidv7(), 'queued', { task: 't', input: { n: 1 }, returnRecord: false }),
      ]);
      expect(big.status).toBe('rejected');
      expect(String((big as PromiseRejectedResult).reason)).toMatch(/max request size exceeded/);
      expect(ok).toMatchObject({ status: 'fulfilled', value: { ok: true } });
    } finally {
      await store.close();
      await small.close();
    }
  });
});
