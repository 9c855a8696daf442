import net from 'node:net';
import { TransportError, uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';

/**
 * A TCP front whose target can be switched, as a DNS name is repointed on a managed Redis's
 * failover (ElastiCache, Redis Cloud): new connections reach the new primary, open ones stay on
 * the node they were made to.
 */
async function switchableProxy(target: number) {
  const sockets = new Set<net.Socket>();
  const state = { target };
  const server = net.createServer((client) => {
    const upstream = net.connect({ port: state.target, host: '127.0.0.1' });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).on('close', () => upstream.destroy());
    upstream.pipe(client).on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
  return {
    port,
    point: (to: number) => {
      state.target = to;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const creation = { task: 'demo.add', queue: 'default', input: { a: 1 }, ttlS: 600 };

describe('a managed Redis fails over (old primary demoted, its name repointed)', () => {
  let oldPort: number;
  let newPort: number;
  // Private redis-servers: this test demotes one, never the shared one.
  const servers: PrivateRedis[] = [];
  let proxy: Awaited<ReturnType<typeof switchableProxy>>;

  beforeAll(async () => {
    servers.push(
      ...(await Promise.all([startPrivateRedis('old primary'), startPrivateRedis('new primary')])),
    );
    [oldPort, newPort] = servers.map((s) => s.port) as [number, number];
    proxy = await switchableProxy(oldPort);
  });
  afterAll(async () => {
    await proxy?.close();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('writes reach the new primary after READONLY instead of failing for good', async () => {
    const store = createRedisResultStore({ redis: `redis://127.0.0.1:${proxy.port}`, prefix: 'fo:' });
    try {
      const before = uuidv7();
      expect((await store.create(before, 'queued', creation)).ok).toBe(true);

      // Failover: the old primary becomes a replica of the new one, the name points at the new one.
      const admin = new Redis(oldPort, { lazyConnect: true });
      await admin.replicaof('127.0.0.1', String(newPort));
      await admin.quit();
      proxy.point(newPort);

      // The write that meets the demoted node fails, recoverable (it may be retried)...
      const first = await store.create(uuidv7(), 'queued', creation).catch((e: unknown) => e);
      expect(first).toBeInstanceOf(TransportError);
      expect((first as TransportError).recoverable).toBe(true);
      expect((first as Error).message).toMatch(/READONLY/);
      // ...and the store then finds the new primary, as a fresh connection would.
      const id = uuidv7();
      await eventually(
        async () => {
          const out = await store.create(id, 'queued', creation).catch((e: Error) => e.message);
          expect(out).toEqual({ ok: true, from: undefined });
          return true;
        },
        5_000,
        100,
      );
      expect((await store.transition(id, 'running', { owner: 'w' })).ok).toBe(true);
      expect(await store.claimIdempotencyKey(`k-${id}`, id, 60)).toBe(id);
    } finally {
      await store.close();
    }
  });
});
