import { randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisRestServer, serveRedisRest } from '../rest-server/serve';
import { toStoreError } from '../store-errors';
import { UpstashError, UpstashRest } from './upstash-rest';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const TOKEN = 'rest-client-token';
const prefix = `warren-test-rest-${FILE_ID}-${Date.now().toString(36)}:`;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
let server: RedisRestServer;

beforeAll(async () => {
  for (let port = 26340 + (FILE_ID % 30); !server && port < 26399; port++)
    server = (await serveRedisRest({ port, redisUrl: 'redis://127.0.0.1:6379', token: TOKEN }).catch(
      () => undefined,
    )) as RedisRestServer;
  if (!server) throw new Error('no free port in 26340-26398');
});

afterAll(async () => {
  await server?.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('UpstashRest against the Upstash-compatible endpoint over real Redis', () => {
  it('runs commands and returns replies as Upstash shapes them (strings UTF-8, HGETALL flat)', async () => {
    const c = new UpstashRest({ url: server.url, token: TOKEN, retry: false });
    const key = `${prefix}h`;
    expect(await c.command(['HSET', key, 'a', 'é ✓ "q"', 'n', 5])).toBe(2);
    expect(await c.command(['HGETALL', key])).toEqual(['a', 'é ✓ "q"', 'n', '5']);
    expect(await c.command(['GET', `${prefix}missing`])).toBeNull();
  });

  it('runs a script by SHA, loading it with EVAL when the server answers NOSCRIPT', async () => {
    const c = new UpstashRest({ url: server.url, token: TOKEN, retry: false });
    // A script text no server has seen: the first EVALSHA must get NOSCRIPT.
    const lua = `-- upstash-rest test ${prefix}${Math.random()}\nreturn {KEYS[1], ARGV[1], #ARGV}`;
    const script = c.script(lua);
    expect(await script.exec([`${prefix}k`], ['x', 2])).toEqual([`${prefix}k`, 'x', 2]);
    // EVAL cached it under the SHA-1 the client computed with Web Crypto.
    const sha = (await redis.script('LOAD', lua)) as string;
    expect(await redis.script('EXISTS', sha)).toEqual([1]);
    expect(await c.command(['EVALSHA', sha, 1, `${prefix}k`, 'y'])).toEqual([`${prefix}k`, 'y', 1]);
    expect(await script.exec([`${prefix}k`], ['z'])).toEqual([`${prefix}k`, 'z', 1]);
  });

  it('raises Redis error replies as UpstashError, which the store reads as not recoverable', async () => {
    const c = new UpstashRest({ url: server.url, token: TOKEN, retry: false });
    await c.command(['SET', `${prefix}s`, 'v']);
    const err = await c.command(['HGETALL', `${prefix}s`]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstashError);
    expect((err as Error).message).toMatch(/^WRONGTYPE/);
    expect(toStoreError(err, 'read').recoverable).toBe(false);
  });

  it('a wrong token is a 401 UpstashError, not recoverable (no retry can fix it)', async () => {
    const c = new UpstashRest({ url: server.url, token: 'wrong', retry: { retries: 3 } });
    const err = await c.command(['GET', 'x']).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'UpstashError', status: 401 });
    expect(toStoreError(err, 'read').recoverable).toBe(false);
  });

  it('retries network failures with the given backoff, then surfaces a recoverable error', async () => {
    let calls = 0;
    const failing: typeof fetch = async () => {
      calls++;
      throw new TypeError('fetch failed');
    };
    const waits: number[] = [];
    const c = new UpstashRest({
      url: 'http://127.0.0.1:1',
      token: TOKEN,
      fetch: failing,
      retry: {
        retries: 2,
        backoff: (n) => {
          waits.push(n);
          return 1;
        },
      },
    });
    const err = await c.command(['GET', 'x']).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(waits).toEqual([0, 1]);
    expect(toStoreError(err, 'read').recoverable).toBe(true);
  });

  it('a non-JSON 5xx from a proxy is an UpstashError the store treats as recoverable', async () => {
    const proxy = createServer((_req, res) => res.writeHead(502).end('<html>bad gateway</html>'));
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const { port } = proxy.address() as AddressInfo;
      const c = new UpstashRest({ url: `http://127.0.0.1:${port}`, token: TOKEN, retry: false });
      const err = await c.command(['GET', 'x']).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'UpstashError', status: 502 });
      expect(toStoreError(err, 'read').recoverable).toBe(true);
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });

  it('carries the read-your-writes sync token from a reply to the next request', async () => {
    const seen: (string | null)[] = [];
    let n = 0;
    const fake: typeof fetch = async (_url, init) => {
      seen.push(new Headers(init?.headers).get('upstash-sync-token'));
      return new Response(JSON.stringify({ result: 'OK' }), { headers: { 'upstash-sync-token': `t${++n}` } });
    };
    const c = new UpstashRest({ url: 'https://example.upstash.io', token: TOKEN, fetch: fake });
    await c.command(['SET', 'a', 1]);
    await c.command(['GET', 'a']);
    await c.command(['GET', 'a']);
    expect(seen).toEqual([null, 't1', 't2']);
  });
});
