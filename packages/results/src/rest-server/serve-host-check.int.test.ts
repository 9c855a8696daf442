import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisRestServer, serveRedisRest } from './serve';

// On loopback the endpoint is out of the network's reach, but not of a web page's: by DNS rebinding
// (its domain resolving to 127.0.0.1) a page is same-origin with it, and warren dev's token is a
// fixed, published one. A rebound request names the page's domain in Host: refused.
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOKEN = 'warren-dev-token';

/** PING to the endpoint's socket with `host` in the Host header (fetch cannot set it). */
const ping = (port: number, host: string) =>
  new Promise<{ status: number; body: string }>((done, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: { host, authorization: `Bearer ${TOKEN}` },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => done({ status: res.statusCode!, body }));
      },
    );
    req.on('error', fail);
    req.end(JSON.stringify(['PING']));
  });

describe('serveRedisRest on loopback: loopback Host names only', () => {
  let srv: RedisRestServer;
  let port = 0;
  beforeAll(async () => {
    srv = await serveRedisRest({ port: 0, redisUrl, token: TOKEN });
    port = Number(new URL(srv.url).port);
  });
  afterAll(() => srv?.close());

  it('answers localhost, 127.0.0.1 and [::1]', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
      expect({ host, ...(await ping(port, host)) }).toEqual({ host, status: 200, body: '{"result":"PONG"}' });
  });

  it('refuses another name with an Upstash-style error', async () => {
    const res = await ping(port, `attacker.example:${port}`);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error).toMatch(/Host/);
  });
});
