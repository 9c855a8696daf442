import { randomUUID } from 'node:crypto';
import { MemoryResultStore } from '@warren/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCeleryMeta } from './celery-meta';
import { withCeleryResults } from './celery-results';

const redis = new Redis('redis://127.0.0.1:6379/0', { lazyConnect: false });
afterAll(() => redis.quit());

/**
 * A job the amqp codec runs under a custom Celery task id's UUIDv5 (the id in its idempotencyKey):
 * its Celery meta lives under the custom id, both ways.
 */
describe('withCeleryResults: a job run under a custom Celery task id', () => {
  const queue = `celery-${randomUUID().slice(0, 8)}`;
  const store = () =>
    withCeleryResults(new MemoryResultStore(), { redis, isCeleryQueue: (q) => q === queue, expiresS: 60 });
  // A UUIDv5 (version 5, RFC variant), the shape the codec derives; each test has its own custom id.
  const id = '3a2b6a5e-25b1-5d3c-9d55-0a9e8f1e6a11';
  const job = (taskId: string) => ({
    task: 'demo.add',
    queue,
    input: { a: 2, b: 3 },
    enqueuedAt: new Date().toISOString(),
    idempotencyKey: `celery-task-id:${taskId}`,
  });
  const keys = [`celery-task-meta-${id}`];
  afterAll(() => redis.del(...keys));

  it("get() merges what a Python worker wrote under the client's id (a retry it took over)", async () => {
    const s = store();
    const taskId = `order-${randomUUID()}`;
    keys.push(`celery-task-meta-${taskId}`);
    const patch = job(taskId);
    await s.transition(id, 'running', { ...patch, attempts: 1, owner: 'w' });
    await s.transition(id, 'retrying', { owner: 'w' });
    const meta = buildCeleryMeta({
      id: taskId,
      status: 'SUCCESS',
      record: {
        id,
        task: 'demo.add',
        queue,
        state: 'succeeded',
        attempts: 2,
        enqueuedAt: patch.enqueuedAt,
        result: 5,
      },
    });
    await redis.setex(`celery-task-meta-${taskId}`, 60, JSON.stringify(meta));
    expect(await s.get(id)).toMatchObject({ id, state: 'succeeded', result: 5 });
  });
  it("writes the meta under the client's id, naming it as task_id; none under the job id", async () => {
    const s = store();
    const taskId = `order-${randomUUID()}`;
    keys.push(`celery-task-meta-${taskId}`);
    const patch = job(taskId);
    await s.transition(id, 'running', { ...patch, attempts: 1, owner: 'w' });
    await s.transition(id, 'succeeded', { owner: 'w', result: 7 });
    const meta = JSON.parse((await redis.get(`celery-task-meta-${taskId}`)) ?? 'null');
    expect(meta).toMatchObject({ status: 'SUCCESS', result: 7, task_id: taskId });
    expect(await redis.exists(`celery-task-meta-${id}`)).toBe(0);
  });
});
