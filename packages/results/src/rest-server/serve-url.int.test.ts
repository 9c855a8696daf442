import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { type RedisRestServer, serveRedisRest } from './serve';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let srv: RedisRestServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

/** PING through the endpoint at the URL it reports: what a caller does with `url`. */
const ping = async (url: string) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: 'Bearer t' },
    body: JSON.stringify(['PING']),
  });
  return res.json();
};

describe('serveRedisRest: the url it reports reaches it', () => {
  // `warren redis-rest` prints `UPSTASH_REDIS_REST_URL=<url>` for the caller to copy.
  // '::' only where the machine has IPv6 (a host without it cannot bind there at all).
  const v6 = Object.values(networkInterfaces()).some((l) =>
    l?.some((i) => i.internal && i.family === 'IPv6'),
  );
  it.each(['127.0.0.1', '0.0.0.0', ...(v6 ? ['::'] : [])])(
    'with port 0 (an OS-chosen port) on %s',
    async (hostname) => {
      srv = await serveRedisRest({ port: 0, hostname, redisUrl, token: 't' });
      expect(srv.url).not.toMatch(/:0$/);
      expect(await ping(srv.url)).toEqual({ result: 'PONG' });
    },
  );
});
