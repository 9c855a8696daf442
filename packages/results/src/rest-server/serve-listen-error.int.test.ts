import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { serveRedisRest } from './serve';

const listen = (server: net.Server) =>
  new Promise<number>((r) =>
    server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port)),
  );

// Stands in for Redis: counts the connections made to it and which of them are still open.
const open = new Set<net.Socket>();
const fakeRedis = net.createServer((s) => {
  open.add(s);
  s.on('close', () => open.delete(s));
  s.on('error', () => {});
});
const busy = net.createServer();

afterAll(async () => {
  for (const s of open) s.destroy();
  await new Promise((r) => fakeRedis.close(r));
  await new Promise((r) => busy.close(r));
});

describe('serveRedisRest on a port already in use', () => {
  it('rejects and closes the Redis connection it opened (nothing left running)', async () => {
    const redisPort = await listen(fakeRedis);
    const busyPort = await listen(busy);
    const err = await serveRedisRest({
      port: busyPort,
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      token: 't',
    }).catch((e: Error) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
    await new Promise((r) => setTimeout(r, 500));
    // Left open, ioredis kept the process alive and reconnected for good.
    expect(open.size).toBe(0);
  });
});
