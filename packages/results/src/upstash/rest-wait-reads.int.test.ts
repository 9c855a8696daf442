import { type ResultStore, uuidv7, waitUntilTerminal } from '@warren/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstashCeleryMeta } from '../celery/celery-meta-redis';
import { withCeleryResults } from '../celery/celery-results';
import { type RedisRestServer, serveRedisRest } from '../rest-server/serve';
import { createUpstashResultStore } from './create-upstash-result-store';
import { UpstashRest } from './upstash-rest';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `warren-test-wait-reads-${process.pid}-${Date.now().toString(36)}:`;
let server: RedisRestServer;
/** Requests the client made (Upstash bills each). */
let requests = 0;
/** Runs once a request is answered (before its caller reads it). */
let onAnswer = () => {};
let client: UpstashRest;

beforeAll(async () => {
  server = await serveRedisRest({ port: 0, redisUrl, token: 't' });
  client = new UpstashRest({
    url: server.url,
    token: 't',
    fetch: async (url, init) => {
      requests++;
      const res = await fetch(url, init);
      onAnswer();
      return res;
    },
  });
});
afterAll(async () => {
  await server?.close();
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

/** Requests one read of a queued job costs, and those a 30 ms wait from that read costs. */
async function waitCost(store: ResultStore, queue: string) {
  const id = uuidv7();
  await store.create(id, 'queued', { task: 't', queue });
  const before = requests;
  const current = await store.get(id);
  const read = requests - before;
  const start = requests;
  // As the ingest's long-poll and the direct client's wait call it: with the record just read.
  const rec = await waitUntilTerminal(store, id, 30, { current });
  expect(rec?.state).toBe('queued');
  return { read, wait: requests - start };
}

// Upstash bills every request, and the REST store waits by polling: a wait handed the record its
// caller had just read read it again at once (the celery wrapper twice), before any pause.
describe('a wait on the REST store given the record just read', () => {
  it('does not read it again before its first pause', async () => {
    const store = createUpstashResultStore({ url: server.url, token: 't', prefix, client });
    // One read, at the end of the 30 ms.
    expect(await waitCost(store, 'q')).toEqual({ read: 1, wait: 1 });
  });

  it('nor through the Celery wrapper, for warren and Celery queues alike', async () => {
    const store = withCeleryResults(
      createUpstashResultStore({ url: server.url, token: 't', prefix, client }),
      {
        redis: upstashCeleryMeta(client),
        isCeleryQueue: (q) => q === 'celery-q',
        keyPrefix: `${prefix}celery-task-meta-`,
      },
    );
    for (const queue of ['q', 'celery-q']) {
      const { read, wait } = await waitCost(store, queue);
      expect({ queue, wait }).toEqual({ queue, wait: read });
    }
  });
});

// The ingest's long-poll whose caller hung up, the direct client's wait given a signal: the
// abort came during a pause, which ran out (up to 1 s) and then read the record once more.
describe('a wait on the REST store aborted during a pause', () => {
  it('ends then, without reading the record again', async () => {
    const store = createUpstashResultStore({ url: server.url, token: 't', prefix, client });
    const id = uuidv7();
    await store.create(id, 'queued', { task: 't', queue: 'q' });
    const current = await store.get(id);
    const ac = new AbortController();
    let atAbort = -1;
    // After the third poll's answer: the next pause (112 ms or more) has begun when this fires.
    let answers = 0;
    onAnswer = () => {
      if (++answers === 3)
        setTimeout(() => {
          atAbort = requests;
          ac.abort();
        }, 20);
    };
    try {
      const rec = await waitUntilTerminal(store, id, 10_000, { current, signal: ac.signal });
      expect(rec?.state).toBe('queued');
    } finally {
      onAnswer = () => {};
    }
    expect(atAbort).toBeGreaterThan(0);
    expect(requests - atAbort).toBe(0);
  });
});
