import { TransportError, uuidv7 } from '@warren/core';
import {
  createRedisResultStore,
  createUpstashResultStore,
  type RedisRestServer,
  type RedisResultStore,
  serveRedisRest,
  type TcpResultStore,
  withCeleryResults,
} from '@warren/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { deleteKeys } from './delete-keys';

const REDIS_URL = 'redis://127.0.0.1:6379';
const PREFIX = `h55-wait-${Date.now()}:`;

// Redis reached through a proxy that can stop answering (a partition, a frozen server): the
// connection stays open and every command waits for its 10 s commandTimeout.
let proxy: TcpProxy;
let rest: RedisRestServer;
let tcp: TcpResultStore;
let upstash: RedisResultStore;
type Waiting = Pick<RedisResultStore, 'create' | 'waitFor'>;
let celery: Waiting;

beforeAll(async () => {
  proxy = await startTcpProxy(6379);
  const url = `redis://127.0.0.1:${proxy.port}`;
  tcp = createRedisResultStore({ redis: url, prefix: PREFIX });
  rest = await serveRedisRest({ port: 0, redisUrl: url, token: 'h55' });
  upstash = createUpstashResultStore({ url: rest.url, token: 'h55', prefix: PREFIX, retry: false });
  // A job on a Celery queue is polled (record and meta) by the Celery decoration.
  const metas = withCeleryResults(tcp, { redis: tcp.redis, isCeleryQueue: () => true, keyPrefix: PREFIX });
  celery = { create: (id, state, patch) => metas.create(id, state, patch), waitFor: metas.waitFor };
});
afterAll(async () => {
  proxy.delayMs = 0;
  await Promise.all([tcp?.close(), rest?.close()]);
  await proxy?.close();
  await deleteKeys(REDIS_URL, PREFIX);
});

/** How long waitFor takes to settle, and how: the record's state or the error. */
async function timed(store: Waiting, id: string, timeoutMs: number) {
  const t0 = Date.now();
  const out = await store.waitFor(id, timeoutMs).then(
    (rec) => rec?.state,
    (err: unknown) => err,
  );
  return { ms: Date.now() - t0, out };
}

describe('waitFor when Redis stops answering', () => {
  it.each([
    ['TCP', () => tcp],
    ['REST', () => upstash],
    ['Celery on TCP', () => celery],
  ])('%s: settles about when its wait runs out, not at the 10 s command timeout', async (_, store) => {
    const id = uuidv7();
    await store().create(id, 'queued', { task: 't', queue: 'q' });
    expect((await timed(store(), id, 100)).out).toBe('queued'); // answers while Redis does
    proxy.delayMs = 30_000;
    try {
      const { ms, out } = await timed(store(), id, 1_000);
      // Either the record as last read or a recoverable store error (a 503 at the ingest).
      if (out instanceof Error) expect(out).toMatchObject({ recoverable: true });
      else expect(out).toBe('queued');
      if (out instanceof Error) expect(out).toBeInstanceOf(TransportError);
      expect(ms).toBeLessThan(2_500);
    } finally {
      proxy.delayMs = 0;
    }
  });
});

describe('waitFor with no end', () => {
  // Straight to Redis: the proxied connections above still carry the held replies.
  let direct: TcpResultStore;
  let directRest: RedisRestServer;
  let directUpstash: RedisResultStore;
  beforeAll(async () => {
    direct = createRedisResultStore({ redis: REDIS_URL, prefix: PREFIX });
    directRest = await serveRedisRest({ port: 0, redisUrl: REDIS_URL, token: 'h55' });
    directUpstash = createUpstashResultStore({
      url: directRest.url,
      token: 'h55',
      prefix: PREFIX,
      retry: false,
    });
  });
  afterAll(async () => {
    await Promise.all([direct?.close(), directRest?.close()]);
  });

  it.each([
    ['TCP', () => direct],
    ['REST', () => directUpstash],
  ])('%s: Infinity is not cut short', async (_, store) => {
    const id = uuidv7();
    await store().create(id, 'queued', { task: 't', queue: 'q' });
    setTimeout(() => void store().transition(id, 'cancelled', {}), 300);
    // Node fires a timer past 2^31 - 1 ms at once: bounded by one, it failed in 2 ms.
    expect((await timed(store(), id, Number.POSITIVE_INFINITY)).out).toBe('cancelled');
  });
});
