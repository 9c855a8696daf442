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

// A private redis-server with a save point and a directory it cannot write its snapshot to (a
// full or read-only disk): after a failed BGSAVE it refuses every write (MISCONF, the default
// stop-writes-on-bgsave-error) until a snapshot succeeds or an operator steps in.
let server: PrivateRedis;
let admin: Redis;
let rest: RedisRestServer;

beforeAll(async () => {
  server = await startPrivateRedis('MISCONF test', { args: ['--dir', '/proc', '--save', '3600 1'] });
  admin = new Redis(server.url);
  rest = await serveRedisRest({ port: 0, redisUrl: server.url, token: 't' });
});
afterAll(async () => {
  await rest?.close();
  await admin?.quit();
  await server?.stop();
});

/** A BGSAVE that fails: from then on Redis answers writes MISCONF. */
async function failSnapshot(): Promise<void> {
  await admin.config('SET', 'save', '3600 1');
  await admin.bgsave().catch(() => {});
  for (let i = 0; i < 50 && !/rdb_last_bgsave_status:err/.test(await admin.info('persistence')); i++)
    await new Promise((r) => setTimeout(r, 100));
}

/**
 * Like OOM, MISCONF refuses every write alike and passes (the next snapshot that succeeds, disk
 * space freed): it says nothing about the job. Read as non-recoverable, a succeeded job whose
 * result met it was failed as ResultNotStored and dead-lettered whenever the `failed` write got
 * through, instead of its delivery being handed back for later.
 */
describe('a Redis refusing writes after a failed snapshot (MISCONF) is a recoverable store error', () => {
  const stores = (): [string, ResultStore][] => [
    ['TCP', createRedisResultStore({ redis: server.url, prefix: 'misconf:' })],
    ['REST', createUpstashResultStore({ url: rest.url, token: 't', prefix: 'misconf:', retry: false })],
  ];

  it('create and transition reject recoverable, and go through once writes are allowed again', async () => {
    for (const [name, store] of stores()) {
      const id = uuidv7();
      await failSnapshot();
      for (const write of [
        () => store.create!(id, 'queued', { task: 't' }),
        () => store.transition(id, 'queued', { task: 't' }),
      ]) {
        const err = await write().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, name).toBeInstanceOf(TransportError);
        expect((err as TransportError).message, name).toMatch(/MISCONF/);
        expect((err as TransportError).recoverable, name).toBe(true);
      }
      await admin.config('SET', 'save', ''); // no save point: the failed snapshot no longer stops writes
      await expect(store.transition(id, 'queued', { task: 't' }), name).resolves.toMatchObject({ ok: true });
      await store.close?.();
    }
  });
});
