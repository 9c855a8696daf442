import { type ResultStore, TransportError, uuidv7 } from '@warren/core';
import {
  createRedisResultStore,
  createUpstashResultStore,
  type RedisRestServer,
  serveRedisRest,
} from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';

// A private redis-server with a small maxmemory and noeviction (a managed Redis at its plan's
// limit): filling the shared one would fail every other test run.
let server: PrivateRedis;
let admin: Redis;
let rest: RedisRestServer;
let url = '';

beforeAll(async () => {
  server = await startPrivateRedis('OOM test', { args: ['--maxmemory-policy', 'noeviction'] });
  url = server.url;
  admin = new Redis(url);
  rest = await serveRedisRest({ port: 0, redisUrl: url, token: 't' });
});
afterAll(async () => {
  await rest?.close();
  await admin?.quit();
  await server?.stop();
});

/**
 * A full Redis (maxmemory reached, noeviction) answers every write OOM until keys expire or are
 * deleted: the store is unavailable for now, not the write wrong for good. Read as
 * non-recoverable, the worker would fail a job whose result met a full Redis (ResultNotStored)
 * whenever the `failed` write squeezed in, instead of handing the delivery back for later.
 */
/** Fills Redis with 1 MB and sets maxmemory below what it uses, as a plan's limit reached. */
async function fill(): Promise<void> {
  await admin.config('SET', 'maxmemory', '0');
  const chunk = 'x'.repeat(64 * 1024);
  for (let i = 0; i < 16; i++) await admin.set(`filler:${i}`, chunk);
  const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
  await admin.config('SET', 'maxmemory', String(used - 512 * 1024));
}

describe('a Redis at maxmemory (OOM) is a recoverable store error', () => {
  const stores = (): [string, ResultStore][] => [
    ['TCP', createRedisResultStore({ redis: url, prefix: 'oom:' })],
    ['REST', createUpstashResultStore({ url: rest.url, token: 't', prefix: 'oom:', retry: false })],
  ];

  it('create and transition reject recoverable while full, and go through once memory is freed', async () => {
    for (const [name, store] of stores()) {
      const id = uuidv7();
      await fill();
      for (const write of [
        () => store.create!(id, 'queued', { task: 't' }),
        () => store.transition(id, 'queued', { task: 't' }),
      ]) {
        const err = await write().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, name).toBeInstanceOf(TransportError);
        expect((err as TransportError).message, name).toMatch(/OOM/);
        expect((err as TransportError).recoverable, name).toBe(true);
      }
      await admin.config('SET', 'maxmemory', '0');
      await expect(store.transition(id, 'queued', { task: 't' }), name).resolves.toMatchObject({ ok: true });
      await store.close?.();
    }
  });
});
