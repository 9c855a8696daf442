import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { ConflictError, createProducer, defineConfig, defineTask, type ResultStore } from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, drainQueue, REDIS_URL } from '../ingest/support';

/**
 * An idempotency key whose job was accepted (the broker confirmed) but not recorded (the record
 * write failed) names a job that may sit in its queue for a long time: a retry of the request
 * must not enqueue it again, however late. Real RabbitMQ (:5672) and Redis (:6379); the store
 * fails the record write once, as a Redis blip would.
 */
const RUN = `irf${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-backlog`;
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [defineTask({ name: 'irf.t', queue: QUEUE, input: z.object({ n: z.number() }) })],
});

/** The store, its `create` failing once. */
function failingCreateOnce(store: ResultStore): ResultStore {
  let failed = false;
  return Object.assign(Object.create(store) as ResultStore, {
    create: (...args: Parameters<ResultStore['create']>) => {
      if (failed) return store.create(...args);
      failed = true;
      return Promise.reject(new Error('record write failed (test)'));
    },
  });
}

describe('an idempotency key whose job was published but not recorded', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
  }, 30_000);
  afterAll(async () => {
    vi.useRealTimers();
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  it('is never taken by a second job while the first waits in its queue, however late the retry', async () => {
    const results = failingCreateOnce(createRedisResultStore({ redis, prefix: `${RUN}:` }));
    const recordErrors: unknown[] = [];
    const producer = createProducer({
      config,
      publishers: new Map([['local', broker.publisher]]),
      results,
      onRecordError: (err) => recordErrors.push(err),
    });
    const req = { task: 'irf.t', input: { n: 1 }, idempotencyKey: `${RUN}-k` };
    const first = await producer.enqueue(req);
    expect(first.replayed).toBe(false);
    expect(recordErrors).toHaveLength(1); // accepted, not recorded
    expect(await results.get(first.response.id)).toBeUndefined();

    // The retry comes long after (the first job still waits: no worker on this queue).
    vi.useFakeTimers({ toFake: ['Date'] });
    for (const laterMs of [5_000, 120_000, 3_600_000]) {
      vi.setSystemTime(Date.now() + laterMs);
      await expect(producer.enqueue(req)).rejects.toBeInstanceOf(ConflictError);
    }
    vi.useRealTimers();
    const queued = await drainQueue(QUEUE);
    expect(queued.map((j) => j.id)).toEqual([first.response.id]);
  }, 30_000);
});
