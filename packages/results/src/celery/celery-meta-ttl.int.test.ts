import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisResultStore } from '../tcp/create-redis-result-store';
import { withCeleryResultsFor } from './celery-results-for-config';

/**
 * How long Celery can read a result warren wrote: as long as warren keeps the job's record
 * (`results.ttlS`, a task's `resultTtlS`), as the runtime wires it (storeFromEnv passes no Celery
 * expiry). Real Redis, the TCP store under the wrapper.
 */
const redis = new Redis('redis://127.0.0.1:6379/0');
const prefix = `h65-ttl-${process.pid}:`;
const queue = `celery-ttl-${randomUUID().slice(0, 8)}`;
const ids: string[] = [];

afterAll(async () => {
  const keys = [...(await redis.keys(`${prefix}*`)), ...ids.map((id) => `celery-task-meta-${id}`)];
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

/** The store as the runtime wires it for a Celery queue, and a fresh job id (cleaned up after). */
function celeryJob() {
  const store = withCeleryResultsFor(
    { queues: { [queue]: { protocol: 'celery' } } },
    createRedisResultStore({ redis, prefix }),
    redis,
  );
  const id = randomUUID();
  ids.push(id);
  return { store, id };
}

describe('Celery meta expiry', () => {
  it.each([
    ['a week (results.ttlS 604800)', 604_800],
    ['two minutes (a task resultTtlS 120)', 120],
  ])('follows the record when warren keeps results %s', async (_, ttlS) => {
    const { store, id } = celeryJob();
    const job = { task: 'demo.add', queue, enqueuedAt: new Date().toISOString(), ttlS };
    await store.transition(id, 'running', { ...job, attempts: 1, owner: 'w' });
    await store.transition(id, 'succeeded', { ...job, owner: 'w', result: 5 });
    const recordTtl = await redis.ttl(`${prefix}job:${id}`);
    const metaTtl = await redis.ttl(`celery-task-meta-${id}`);
    expect(recordTtl).toBeGreaterThan(ttlS - 10);
    expect(metaTtl).toBeGreaterThan(ttlS - 10);
    expect(metaTtl).toBeLessThanOrEqual(ttlS);
  });

  // A redelivered copy finds the job finished: the meta is repaired only when the Celery write
  // was lost, not written again (a failed job's FAILURE then lived a day past its record).
  it.each([
    ['failed', { error: { type: 'E', message: 'boom', retryable: false } }],
    ['cancelled', {}],
  ] as const)('is not renewed by a duplicate delivery of a %s job', async (end, patch) => {
    const { store, id } = celeryJob();
    const job = { task: 'demo.add', queue, enqueuedAt: new Date().toISOString() };
    await store.transition(id, 'running', { ...job, attempts: 1, owner: 'w', ttlS: 600 });
    await store.transition(id, end, { ...patch, owner: end === 'failed' ? 'w' : undefined, ttlS: 120 });
    const dup = await store.transition(id, 'running', { ...job, attempts: 1, owner: 'w2', ttlS: 600 });
    expect(dup).toMatchObject({ ok: false, reason: 'already-finished', state: end });
    expect(await redis.ttl(`celery-task-meta-${id}`)).toBeLessThanOrEqual(120);
    expect(await redis.ttl(`${prefix}job:${id}`)).toBeLessThanOrEqual(120);
  });
});
