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
 * A second copy of a job (the same id published twice: an enqueue retried after a lost confirm)
 * that arrives while the first runs is deferred until the run's lease would lapse (timeout +
 * 30 s). On real RabbitMQ (:5672) and Redis (:6379): when it comes back the job must still be
 * known as finished, even with a resultTtlS shorter than that wait, or it runs a second time.
 */
const RUN = `dc${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const runs: number[] = [];
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [
    defineTask({
      name: 'dc.once',
      queue: QUEUE,
      input: z.object({}),
      resultTtlS: 1,
      timeoutMs: 2000,
      handler: async () => {
        runs.push(Date.now());
        await new Promise((r) => setTimeout(r, 1000));
        return 'done';
      },
    }),
  ],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a deferred duplicate of a finished job', () => {
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

  it('is skipped when it comes back, not run again', async () => {
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    const { response } = await producer.enqueue({ task: 'dc.once', input: {} });
    const id = response.id;
    for (let i = 0; i < 50 && !events.some((e) => e.job.id === id && e.type === 'started'); i++)
      await sleep(100);
    const job = events.find((e) => e.job.id === id)!.job;
    await broker.publisher.publish(QUEUE, job); // the same id again, while the first copy runs
    for (let i = 0; i < 50 && !events.some((e) => e.job.id === id && e.type === 'deferred'); i++)
      await sleep(100);
    expect(events.some((e) => e.job.id === id && e.type === 'deferred')).toBe(true);
    // The deferral waits out the lease (2 s timeout + 30 s), then the copy comes back.
    for (let i = 0; i < 450 && !events.some((e) => e.job.id === id && e.type === 'skipped'); i++) {
      if (runs.length > 1) break;
      await sleep(100);
    }
    expect(runs).toHaveLength(1);
    expect(events.filter((e) => e.job.id === id).map((e) => e.type)).toContain('skipped');
  }, 70_000);
});
