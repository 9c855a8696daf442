import { randomInt } from 'node:crypto';
import { resultStoreContract } from '@warren/core/testing';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { createRedisResultStore } from './create-redis-result-store';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * An ioredis instance of the application's, with its own `keyPrefix`: ioredis puts it before
 * every key a command names (the scripts' KEYS too), not before the names a script builds
 * itself (the idempotency key a terminal write ends), so the store must add it to those.
 */
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keyPrefix = `warren-test-kp-${FILE_ID}-${Date.now().toString(36)}:`;
const clients: Redis[] = [];

resultStoreContract('redis over TCP, an ioredis instance with a keyPrefix', async () => {
  const redis = new Redis(url, { keyPrefix });
  clients.push(redis);
  return createRedisResultStore({ redis, prefix: 'app:' });
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  const redis = new Redis(url);
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});
