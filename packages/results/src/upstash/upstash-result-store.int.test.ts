import { randomInt } from 'node:crypto';
import { resultStoreContract } from '@warren/core/testing';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { type RedisRestServer, serveRedisRest } from '../rest-server/serve';
import { createUpstashResultStore } from './create-upstash-result-store';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const PORT = 26301; // this helper's range is 26300-26399
const prefix = `warren-test-${FILE_ID}-${Date.now().toString(36)}:`;
let server: RedisRestServer | undefined;

afterAll(async () => {
  await server?.close();
});

resultStoreContract('redis over Upstash REST (@upstash/redis → local endpoint)', async () => {
  server = await serveRedisRest({
    port: PORT,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    token: 'contract-token',
  });
  // retry: false — the client's default retries would hide failures from the test.
  return createUpstashResultStore({ url: server.url, token: 'contract-token', prefix, retry: false });
});

// Leave nothing behind in the shared Redis.
afterAll(async () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});
