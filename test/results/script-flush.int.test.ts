import { uuidv7 } from '@warren/core';
import {
  createRedisResultStore,
  createUpstashResultStore,
  type RedisRestServer,
  serveRedisRest,
} from '@warren/results';
import { ioredisCeleryMeta, upstashCeleryMeta, withCeleryResults } from '@warren/results/celery';
import { UpstashRest } from '@warren/results/upstash';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';

// A private redis-server: SCRIPT FLUSH on the shared one would hit every other test run.
let server: PrivateRedis;
let url = '';
let admin: Redis;
let rest: RedisRestServer;

beforeAll(async () => {
  server = await startPrivateRedis('script flush test');
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
 * Scripts run by SHA. After SCRIPT FLUSH (or a restart, a failover to a node that never saw
 * them) Redis answers NOSCRIPT: each client must send the script once more, not fail the write.
 */
describe('the scripts survive SCRIPT FLUSH (NOSCRIPT → EVAL)', () => {
  const stores = () => [
    ['TCP', createRedisResultStore({ redis: url, prefix: 'sf:' })] as const,
    ['REST', createUpstashResultStore({ url: rest.url, token: 't', prefix: 'sf:', retry: false })] as const,
  ];

  it('transition, create, claim and release, alone and batched', async () => {
    for (const [, store] of stores()) {
      const id = uuidv7();
      await admin.script('FLUSH');
      expect((await store.create(id, 'queued', { task: 't' })).ok).toBe(true);
      await admin.script('FLUSH');
      expect((await store.transition(id, 'running', { owner: 'w' })).ok).toBe(true);
      await admin.script('FLUSH');
      expect(await store.claimIdempotencyKey(`k-${id}`, id, 60)).toBe(id);
      await admin.script('FLUSH');
      await store.releaseIdempotencyKey(`k-${id}`, id);
      expect(await admin.exists(`sf:idem:k-${id}`)).toBe(0);
      await admin.script('FLUSH');
      const outs = await Promise.all(Array.from({ length: 300 }, () => store.create(uuidv7(), 'queued', {})));
      expect(outs.every((o) => o.ok)).toBe(true);
      await store.close();
    }
  });

  it('the Celery meta write, over TCP and REST', async () => {
    const tcp = createRedisResultStore({ redis: url, prefix: 'sf:' });
    const metas = [
      ioredisCeleryMeta(tcp.redis),
      upstashCeleryMeta(new UpstashRest({ url: rest.url, token: 't' })),
    ];
    for (const redis of metas) {
      const store = withCeleryResults(tcp, { redis, isCeleryQueue: () => true });
      const id = uuidv7();
      await store.transition(id, 'running', { owner: 'w' });
      await admin.script('FLUSH');
      expect((await store.transition(id, 'succeeded', { owner: 'w', result: 1 })).ok).toBe(true);
      expect(JSON.parse((await admin.get(`celery-task-meta-${id}`)) ?? '{}').status).toBe('SUCCESS');
    }
    await tcp.close();
  });
});
