import { uuidv7 } from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { type PrivateRedis, privateRedis } from '../support/private-redis';

let server: PrivateRedis | undefined;
afterAll(() => server?.stop());

describe('TCP waitFor ending while Redis is down', () => {
  it('does not leave its channel subscribed once Redis is back', async () => {
    server = await privateRedis('unsubscribe test');
    await server.start();
    const store = createRedisResultStore({ redis: server.url, prefix: 'uo:' });
    try {
      const id = uuidv7();
      await store.transition(id, 'running', { owner: 'w' });
      const ac = new AbortController();
      const waiting = store.waitFor(id, 30_000, { signal: ac.signal });
      await new Promise((r) => setTimeout(r, 300)); // subscribed and waiting
      await server.stop();
      ac.abort(); // the caller went away during the outage: its UNSUBSCRIBE cannot be sent
      await waiting.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1_500)); // a reconnect attempt or two fail meanwhile
      await server.start();
      const admin = new Redis(server.port);
      try {
        // The store's connections are back (a PING through the store answers).
        for (let i = 0; i < 50 && (await store.redis.ping().catch(() => '')) !== 'PONG'; i++)
          await new Promise((r) => setTimeout(r, 100));
        await new Promise((r) => setTimeout(r, 1_000)); // the subscriber reconnected and settled
        expect(await admin.pubsub('CHANNELS', 'uo:*')).toEqual([]);
      } finally {
        await admin.quit();
      }
    } finally {
      await store.close();
    }
  });
});
