import { randomInt } from 'node:crypto';
import { resultStoreContract } from '@warren/core/testing';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { createRedisResultStore } from './create-redis-result-store';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const prefix = `warren-test-${FILE_ID}-${Date.now().toString(36)}:`;

resultStoreContract('redis over TCP (ioredis)', async () =>
  createRedisResultStore({ redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix }),
);

// Leave nothing behind in the shared Redis.
afterAll(async () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});
