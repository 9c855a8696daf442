import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import {
  createProducer,
  defineConfig,
  defineTask,
  type ExecutionEvent,
  type ResultStore,
  UnprocessableError,
} from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker, type Worker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';

/**
 * Task schemas zod can only run with parseAsync (an async refinement or transform), and ones whose
 * refinement throws, on real RabbitMQ (:5672) and Redis (:6379): an enqueue is validated (202 or
 * 422, not a 500), and a worker records the outcome instead of rejecting, which released the
 * delivery to be run again, forever.
 */
const RUN = `as${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [
    defineTask({
      name: 'as.async',
      queue: QUEUE,
      input: z.object({ n: z.number().refine(async (n) => n > 0, 'must be positive') }),
      output: z.number().transform(async (n) => n * 10),
      handler: ({ n }) => n + 1,
    }),
    defineTask({
      name: 'as.throws',
      queue: QUEUE,
      input: z.object({
        n: z.number().refine((n) => {
          if (n === 13) throw new Error('unlucky');
          return true;
        }),
      }),
      handler: ({ n }) => n,
    }),
  ],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('async and throwing task schemas', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let results: ResultStore;
  let worker: Worker;
  let producer: ReturnType<typeof createProducer>;
  const events: ExecutionEvent[] = [];

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    worker = createWorker({
      config,
      consumer: broker.consumer,
      results,
      queues: [QUEUE],
      onEvent: (e) => events.push(e),
    });
    await worker.start();
  }, 60_000);

  afterAll(async () => {
    await worker?.stop(2000).catch(() => {});
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  const finished = async (id: string) => {
    for (let i = 0; i < 100; i++) {
      const rec = await results.get(id);
      if (rec && ['succeeded', 'failed'].includes(rec.state)) return rec;
      await sleep(100);
    }
    return results.get(id);
  };

  it('the producer validates an async schema: accepted when valid, 422 when not', async () => {
    const { response } = await producer.enqueue({ task: 'as.async', input: { n: 1 } });
    expect(await finished(response.id)).toMatchObject({ state: 'succeeded', result: 20 });
    const bad = await producer.enqueue({ task: 'as.async', input: { n: -1 } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(UnprocessableError);
    expect((bad as UnprocessableError).errors).toEqual([{ path: 'input.n', message: 'must be positive' }]);
  }, 30_000);

  it('a worker fails invalid input of an async schema and a throwing refinement once, into the DLQ', async () => {
    const jobs = [
      makeJob({ task: 'as.async', queue: QUEUE, input: { n: -1 } }),
      makeJob({ task: 'as.throws', queue: QUEUE, input: { n: 13 } }),
    ];
    for (const job of jobs) await broker.publisher.publish(QUEUE, job);
    const recs = await Promise.all(jobs.map((j) => finished(j.id)));
    expect(recs[0]).toMatchObject({
      state: 'failed',
      error: { type: 'InvalidInput', message: 'n: must be positive' },
    });
    expect(recs[1]).toMatchObject({ state: 'failed', error: { type: 'InvalidInput' } });
    expect(recs[1]?.error?.message).toMatch(/unlucky/);
    const typesOf = (id: string) => events.filter((e) => e.job.id === id).map((e) => e.type);
    await sleep(1000); // the DLQ copy is confirmed after the record is written; any rerun would show
    for (const job of jobs) expect(typesOf(job.id)).toEqual(['failed']);
  }, 30_000);
});
