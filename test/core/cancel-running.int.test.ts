import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import {
  createProducer,
  defineConfig,
  defineTask,
  type ExecutionEvent,
  type ResultStore,
} from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { createWorker, type Worker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';

/**
 * `ctx.signal` is documented as aborted on timeout, cancellation or shutdown. On real RabbitMQ
 * (:5672) and Redis (:6379): a running job cancelled the way `DELETE /v1/jobs/:id` does it (the
 * record moved to `cancelled`) sees its signal abort, long before its timeout.
 */
const RUN = `cr${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const aborted = new Map<string, { at: number; reason: unknown }>();
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [
    defineTask({
      name: 'cr.wait',
      queue: QUEUE,
      input: z.object({}),
      timeoutMs: 25_000,
      handler: (_input, ctx) =>
        new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => {
            aborted.set(ctx.jobId, { at: Date.now(), reason: ctx.signal.reason });
            reject(ctx.signal.reason);
          }),
        ),
    }),
  ],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cancelling a running job', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let results: ResultStore;
  let worker: Worker;
  const events: ExecutionEvent[] = [];

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    worker = createWorker({
      config,
      consumer: broker.consumer,
      results,
      queues: [QUEUE],
      concurrency: 2,
      onEvent: (e) => events.push(e),
    });
    await worker.start();
  }, 60_000);

  afterAll(async () => {
    await worker?.stop(2000).catch(() => {});
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  it('aborts the task signal with a JobCancelledError; the record stays cancelled', async () => {
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    const { response } = await producer.enqueue({ task: 'cr.wait', input: {} });
    const id = response.id;
    for (let i = 0; i < 100 && !events.some((e) => e.job.id === id && e.type === 'started'); i++)
      await sleep(100);
    expect((await results.transition(id, 'cancelled', {})).ok).toBe(true);
    const cancelledAt = Date.now();
    for (let i = 0; i < 100 && !aborted.has(id); i++) await sleep(100);
    const seen = aborted.get(id);
    expect(seen?.at ?? Number.POSITIVE_INFINITY).toBeLessThan(cancelledAt + 8000);
    expect((seen?.reason as Error | undefined)?.name).toBe('JobCancelledError');
    for (let i = 0; i < 50 && !events.some((e) => e.job.id === id && e.type === 'skipped'); i++)
      await sleep(100);
    expect(events.filter((e) => e.job.id === id).map((e) => e.type)).toEqual(['started', 'skipped']);
    expect(await results.get(id)).toMatchObject({ state: 'cancelled' });
  }, 30_000);
});
