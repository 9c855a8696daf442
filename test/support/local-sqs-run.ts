import { type LocalSqs, startLocalSqs } from '@warren/sqs/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './ports';

/**
 * A local-aws-sqs server for this file (started before its tests, closed after), and the file's
 * result keys (`${run}:*` on `redisUrl`) deleted after it. `local.sqs` is set once the file's
 * tests run; a later beforeAll of the file may wrap its client.
 */
export function localSqsForRun(run: string, redisUrl = 'redis://127.0.0.1:6379'): { sqs: LocalSqs } {
  const local = {} as { sqs: LocalSqs };
  beforeAll(async () => {
    local.sqs = await startLocalSqs(await freePort());
  });
  afterAll(async () => {
    await local.sqs?.close();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${run}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  return local;
}
