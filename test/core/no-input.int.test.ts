import { randomInt } from 'node:crypto';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, type ResultStore } from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { createWorker, type Worker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A task whose input is optional (`.optional()`, `.default()`, `z.void()`) enqueued with no input,
 * on real RabbitMQ (:5672) and Redis (:6379): accepted at enqueue, it must run, not fail at the
 * worker because the input arrived as `null` (JSON has no undefined).
 */
const RUN = `ni${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const task = (name: string, input: z.ZodType) =>
  defineTask({ name, queue: QUEUE, input, handler: (i: unknown) => ({ got: i ?? 'nothing' }) });
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [
    task('ni.optional', z.object({ n: z.number() }).optional()),
    task('ni.default', z.object({ n: z.number() }).default({ n: 7 })),
    task('ni.void', z.void()),
  ],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('enqueue without input', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let results: ResultStore;
  let worker: Worker;

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    worker = createWorker({ config, consumer: broker.consumer, results, queues: [QUEUE] });
    await worker.start();
  }, 60_000);

  afterAll(async () => {
    await worker?.stop(2000).catch(() => {});
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  it('runs tasks whose schema takes no input', async () => {
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    const ids = await Promise.all(
      ['ni.optional', 'ni.default', 'ni.void'].map(
        async (t) => (await producer.enqueue({ task: t })).response.id,
      ),
    );
    const recs = [];
    for (const id of ids) {
      let rec = await results.get(id);
      for (let i = 0; i < 100 && !['succeeded', 'failed'].includes(rec?.state ?? ''); i++) {
        await sleep(100);
        rec = await results.get(id);
      }
      recs.push(rec);
    }
    expect(recs.map((r) => [r?.state, r?.result ?? r?.error])).toEqual([
      ['succeeded', { got: 'nothing' }],
      ['succeeded', { got: { n: 7 } }],
      ['succeeded', { got: 'nothing' }],
    ]);
  }, 30_000);
});
