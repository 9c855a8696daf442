import net from 'node:net';
import { TransportError, uuidv7 } from '@warren/core';
import { createRedisResultStore, type TcpResultStore } from '@warren/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys } from './delete-keys';

const REDIS_URL = 'redis://127.0.0.1:6379';
const PREFIX = `h55-bh-${Date.now()}:`;

/**
 * A path to Redis on which the connections open so far go silent for good (a NAT or conntrack
 * entry dropped, a failed-over node's old address): no byte, no FIN, no RST; a new connection
 * gets through.
 */
async function silencingProxy() {
  const silenced = new Set<net.Socket>();
  const open = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const up = net.connect({ port: 6379, host: '127.0.0.1' });
    open.add(client);
    client.on('data', (c) => !silenced.has(client) && up.write(c));
    up.on('data', (c) => !silenced.has(client) && client.write(c));
    client.on('end', () => !silenced.has(client) && up.end());
    for (const [a, b] of [
      [client, up],
      [up, client],
    ] as const) {
      a.on('error', () => b.destroy());
      a.on('close', () => {
        b.destroy();
        open.delete(client);
      });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    silenceOpen: () => {
      for (const s of open) silenced.add(s);
    },
    close: () => {
      for (const s of open) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let proxy: Awaited<ReturnType<typeof silencingProxy>>;
let store: TcpResultStore;

beforeAll(async () => {
  proxy = await silencingProxy();
  // A 1 s command timeout (10 s by default) keeps the test short.
  store = createRedisResultStore({
    redis: `redis://127.0.0.1:${proxy.port}`,
    prefix: PREFIX,
    redisOptions: { commandTimeout: 1000 },
  });
});
afterAll(async () => {
  await store?.close().catch(() => {});
  await proxy?.close();
  await deleteKeys(REDIS_URL, PREFIX);
});

/** The first call that answers within `ms`, retried (as a worker's next delivery would be). */
async function eventually<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('TCP store when its connections go silent for good', () => {
  it('gives up a connection whose command timed out and reaches Redis on a new one', async () => {
    const id = uuidv7();
    await store.create(id, 'queued', { task: 't', queue: 'q' });
    expect((await store.waitFor(id, 50))?.state).toBe('queued'); // the subscriber connection is up
    proxy.silenceOpen();

    const first = await store.get(id).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(TransportError);
    expect(first).toMatchObject({ recoverable: true });
    // Kept, every later command timed out on it too, for as long as the socket lived.
    expect((await eventually(5_000, () => store.get(id)))?.state).toBe('queued');
    // The subscriber's connection as well: a wait hears the job end.
    const rec = await eventually(8_000, async () => {
      const waiting = store.waitFor(id, 3_000);
      setTimeout(() => void store.transition(id, 'cancelled', {}).catch(() => {}), 300);
      return waiting;
    });
    expect(rec?.state).toBe('cancelled');
  }, 30_000);
});
