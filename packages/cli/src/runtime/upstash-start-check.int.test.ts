import { defineConfig } from '@warren/core';
import { type RedisRestServer, serveRedisRest } from '@warren/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsFromEnv } from './results-from-env';

const config = defineConfig({ tasks: [] });
const PORT = 18_591; // no other test uses it; nothing listens on 18_592
let rest: RedisRestServer;
beforeAll(async () => {
  rest = await serveRedisRest({
    port: PORT,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    token: 'h56-rest-token',
  });
});
afterAll(() => rest.close());

// TCP's REDIS_URL is pinged at start (a wrong one fails there, not on the first job); the REST
// store was taken on trust: warren worker started and every job then failed on the store.
describe('warren worker / ingest / dev on Upstash REST: the store is checked at start', () => {
  it('refuses an endpoint that does not answer', async () => {
    const env = { UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${PORT + 1}`, UPSTASH_REDIS_REST_TOKEN: 't' };
    await expect(resultsFromEnv(config, env)).rejects.toThrow(
      /result store ping of http:\/\/127\.0\.0\.1:18592 failed: connect ECONNREFUSED/,
    );
  }, 60_000);

  it('refuses a token the endpoint does not take', async () => {
    const env = { UPSTASH_REDIS_REST_URL: rest.url, UPSTASH_REDIS_REST_TOKEN: 'wrong' };
    await expect(resultsFromEnv(config, env)).rejects.toThrow(
      /result store ping of .* failed: .*Unauthorized/,
    );
  });

  it('takes the right one', async () => {
    const env = { UPSTASH_REDIS_REST_URL: rest.url, UPSTASH_REDIS_REST_TOKEN: 'h56-rest-token' };
    const rt = await resultsFromEnv(config, env);
    expect(rt.describe).toMatch(/upstash REST/);
    await rt.close();
  });
});
