import { randomInt } from 'node:crypto';
import { Redis as Upstash } from '@upstash/redis';
import { type RedisRestServer, serveRedisRest } from '@warren/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PORT = 26304; // this helper's range is 26300-26399
const TOKEN = 'endpoint-token';
const p = `warren-test-rest-${FILE_ID}-${Date.now().toString(36)}:`;

describe('local Upstash-REST endpoint', () => {
  let server: RedisRestServer;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    server = await serveRedisRest({ port: PORT, redisUrl: REDIS_URL, token: TOKEN });
  });
  afterAll(async () => {
    await post('/', ['del', `${p}s`, `${p}h`, `${p}bin`, `${p}n`, `${p}l`, `${p}m`]);
    await server.close();
  });

  it('refuses a missing or wrong token with 401 {"error":"Unauthorized"}', async () => {
    for (const authorization of [undefined, 'Bearer nope', `Basic ${TOKEN}`]) {
      const res = await fetch(`${server.url}/`, {
        method: 'POST',
        headers: authorization ? { authorization } : {},
        body: '["ping"]',
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'Unauthorized' });
    }
  });

  it('answers one command at / in RESP2 shapes, plain and base64-encoded', async () => {
    expect(await (await post('/', ['set', `${p}s`, 'héllo', 'ex', 60])).json()).toEqual({ result: 'OK' });
    expect(await (await post('/', ['get', `${p}s`])).json()).toEqual({ result: 'héllo' });
    expect(await (await post('/', ['get', `${p}missing`])).json()).toEqual({ result: null });
    expect(await (await post('/', ['incrby', `${p}n`, 5])).json()).toEqual({ result: 5 });
    await post('/', ['hset', `${p}h`, 'a', '1', 'b', '2']);
    // HGETALL stays a flat array (RESP2), never an object.
    expect(await (await post('/', ['hgetall', `${p}h`])).json()).toEqual({ result: ['a', '1', 'b', '2'] });
    const b64 = { 'upstash-encoding': 'base64' };
    const enc = (s: string) => Buffer.from(s).toString('base64');
    expect(await (await post('/', ['get', `${p}s`], b64)).json()).toEqual({ result: enc('héllo') });
    expect(await (await post('/', ['hgetall', `${p}h`], b64)).json()).toEqual({
      result: ['a', '1', 'b', '2'].map(enc),
    });
    expect(await (await post('/', ['set', `${p}s`, 'x'], b64)).json()).toEqual({ result: enc('OK') });
    expect(await (await post('/', ['incr', `${p}n`], b64)).json()).toEqual({ result: 6 });
  });

  it('keeps binary values intact under base64', async () => {
    const bytes = Buffer.from([0, 255, 128, 10, 13, 0xc3]);
    const redis = (await import('ioredis')).Redis;
    const raw = new redis(REDIS_URL);
    await raw.set(`${p}bin`, bytes);
    await raw.quit();
    const res = await post('/', ['get', `${p}bin`], { 'upstash-encoding': 'base64' });
    const { result } = (await res.json()) as { result: string };
    expect(Buffer.from(result, 'base64').equals(bytes)).toBe(true);
  });

  it("answers errors in Upstash's shape", async () => {
    const unknown = await post('/', ['flushall']);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: "ERR unknown or unsupported command 'flushall'" });
    expect(await (await post('/', ['blpop', 'k', 0])).json()).toMatchObject({
      error: /unsupported command 'blpop'/,
    });
    expect(await (await post('/', ['script', 'flush'])).json()).toMatchObject({
      error: /unsupported command 'script flush'/,
    });
    const wrongType = await post('/', ['incr', `${p}h`]);
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ error: /^WRONGTYPE/ });
    const garbage = await post('/', { not: 'a command' });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toEqual({ error: 'ERR failed to parse command' });
  });

  it('runs /pipeline with a result or error per command', async () => {
    const res = await post('/pipeline', [
      ['set', `${p}l`, 'v'],
      ['incr', `${p}l`],
      ['nosuchcommand'],
      ['get', `${p}l`],
    ]);
    expect(res.status).toBe(200);
    const body = (await res.json()) as unknown[];
    expect(body).toHaveLength(4);
    expect(body[0]).toEqual({ result: 'OK' });
    expect(body[1]).toMatchObject({ error: /not an integer/ });
    expect(body[2]).toEqual({ error: "ERR unknown or unsupported command 'nosuchcommand'" });
    expect(body[3]).toEqual({ result: 'v' });
  });

  it('runs /multi-exec as one transaction', async () => {
    const res = await post('/multi-exec', [
      ['set', `${p}m`, '1'],
      ['incr', `${p}m`],
      ['get', `${p}m`],
    ]);
    expect(await res.json()).toEqual([{ result: 'OK' }, { result: 2 }, { result: '2' }]);
    const refused = await post('/multi-exec', [['set', `${p}m`, '9'], ['flushdb']]);
    expect(refused.status).toBe(400);
    expect(await (await post('/', ['get', `${p}m`])).json()).toEqual({ result: '2' }); // nothing ran
  });

  it('serves @upstash/redis for real: pipelines, transactions, scripts with NOSCRIPT fallback', async () => {
    const r = new Upstash({ url: server.url, token: TOKEN, retry: false, enableTelemetry: false });
    await r.set(`${p}s`, { json: true, n: 1 });
    expect(await r.get(`${p}s`)).toEqual({ json: true, n: 1 });
    await r.hset(`${p}h`, { a: 'x', b: 2 });
    expect(await r.hgetall(`${p}h`)).toEqual({ a: 'x', b: 2 });
    const tx = r.multi();
    tx.incr(`${p}n`);
    tx.get(`${p}n`);
    expect(await tx.exec()).toEqual([7, 7]);
    const lua = `return {KEYS[1], ARGV[1], ${Date.now()}}`; // unique text: never cached before
    const script = r.createScript<[string, string, number]>(lua);
    expect((await script.exec([`${p}k`], ['arg']))[1]).toBe('arg');
    expect((await script.evalsha([`${p}k`], ['again']))[1]).toBe('again'); // now cached
    const bad = new Upstash({ url: server.url, token: 'wrong', retry: false, enableTelemetry: false });
    await expect(bad.get(`${p}s`)).rejects.toThrow(/Unauthorized/);
  });
});
