import { uuidv7 } from '@warren/core';
import { createRedisResultStore, STORE_REDIS_OPTIONS } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

// A private redis-server: the test kills pub/sub connections (CLIENT KILL TYPE pubsub).
let server: PrivateRedis;
let port = 0;
let proxy: TcpProxy;

beforeAll(async () => {
  server = await startPrivateRedis('resubscribe test');
  port = server.port;
  // The subscriber's path to Redis is slow (a remote Redis: 150 ms each way); the store's is not.
  proxy = await startTcpProxy(port, 150);
});
afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

describe('TCP waitFor when the subscriber connection is remade', () => {
  it('hears a job that finishes right after the reconnect, before the resubscribe landed', async () => {
    const main = new Redis(port, STORE_REDIS_OPTIONS);
    let sub: Redis | undefined;
    main.duplicate = () => {
      sub = new Redis(proxy.port, STORE_REDIS_OPTIONS);
      return sub;
    };
    const store = createRedisResultStore({ redis: main, prefix: 'rw:' });
    const admin = new Redis(port);
    try {
      const id = uuidv7();
      await store.transition(id, 'running', { owner: 'w' });
      const waiting = store.waitFor(id, 15_000);
      await new Promise((r) => setTimeout(r, 1_000)); // subscribed (through the slow path) and waiting
      const reconnected = new Promise<void>((r) => sub!.once('ready', () => r()));
      await admin.client('KILL', 'TYPE', 'pubsub');
      await reconnected;
      // The waiters re-read on 'ready'; the job finishes just after, while the SUBSCRIBE that
      // ioredis sends on reconnecting is still on its way.
      await new Promise((r) => setTimeout(r, 50));
      await store.transition(id, 'succeeded', { owner: 'w', result: 1 });
      const finished = Date.now();
      const rec = await waiting;
      expect(rec?.state).toBe('succeeded');
      // Missed, it was seen only at the next 5 s re-read.
      expect(Date.now() - finished).toBeLessThan(2_000);
    } finally {
      await admin.quit();
      await store.close();
      await main.quit();
    }
  });
});
