import { randomInt, randomUUID } from 'node:crypto';
import { cancelJob, defineConfig, defineTask } from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { REDIS_URL } from '../ingest/support';

// Names this file's keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);
const RUN = `caf${FILE_ID}${Date.now() % 100_000}`;

/**
 * A cancel (`DELETE /v1/jobs/:id`, the direct client) reads the record, then writes `cancelled`
 * with a TTL for the state it read. Read while the job runs, then written just after the run
 * failed and moved it to `retrying` (its retry copy due in up to a day), the record kept a running
 * job's TTL (results.ttlS + the lease: minutes with results.ttlS 60): it expired before the retry
 * copy came, which then found no record and ran (the worker creates a missing record). Real Redis.
 */
const config = defineConfig({
  results: { ttlS: 60 },
  tasks: [defineTask({ name: 'caf.job', input: z.unknown(), handler: () => {} })],
});
const redis = new Redis(REDIS_URL);
const results = createRedisResultStore({ redis, prefix: `${RUN}:` });
afterAll(async () => {
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

it('a cancel read while running, written once the job waits for its retry, outlives the retry delay', async () => {
  const id = randomUUID();
  const retryDelayS = 3600;
  expect((await results.create(id, 'queued', { task: 'caf.job', queue: 'q', ttlS: 86_400 })).ok).toBe(true);
  expect((await results.transition(id, 'running', { owner: 'w1', leaseMs: 30_000 })).ok).toBe(true);
  const read = await results.get(id); // the cancel's read: running
  expect(read?.state).toBe('running');
  // The run fails meanwhile: retrying, its record kept past the retry's delay (settle-thrown).
  const retrying = await results.transition(id, 'retrying', { owner: 'w1', ttlS: 86_400 + retryDelayS });
  expect(retrying.ok).toBe(true);
  expect(await cancelJob(results, read!, config)).toMatchObject({ state: 'cancelled' });
  // The retry copy comes in an hour: the cancelled record must still be there then.
  expect(await redis.ttl(`${RUN}:job:${id}`)).toBeGreaterThan(retryDelayS);
});
