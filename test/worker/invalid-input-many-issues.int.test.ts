import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createUpstashResultStore, serveRedisRest } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';

const RUN = `h61-iss-${uuidv7().slice(-8)}`;
const q = `${RUN}.q`;
const redis = new Redis(REDIS_URL);

afterAll(() => cleanUpRun(q, redis, `${RUN}:`));

// An input the task's schema refuses element by element: 250,000 numbers where strings are
// expected (a 500 KB message) made one issue each, and the record's error joined them all:
// 14 MB, over the Upstash request limit (10 MB, the REST stand-in's default), so the 'failed'
// write was refused on every delivery and the job went round the queue for ever.
it('an input with a great many schema issues is failed with a bounded error and dead-lettered', async () => {
  const rest = await serveRedisRest({ port: 0, redisUrl: REDIS_URL, token: 't' });
  const broker = createAmqpBroker({ urls: [AMQP_URL], healthIntervalMs: 0 });
  await broker.connect();
  const results = createUpstashResultStore({ url: rest.url, token: 't', prefix: `${RUN}:` });
  let runs = 0;
  const task = defineTask({
    name: 'iss.t',
    queue: q,
    input: z.array(z.string()),
    handler: () => {
      runs++;
      return 'ok';
    },
  });
  const worker = createWorker({
    config: defineConfig({ tasks: [task] }),
    consumer: broker.consumer,
    results,
  });
  try {
    await worker.start();
    const job = makeJob({ task: 'iss.t', queue: q, input: Array.from({ length: 250_000 }, () => 1) });
    await broker.publisher.publish(q, job);
    const dead = await eventually(async () => {
      const d = await broker.peekDeadLetters(q);
      return d.length === 1 ? d : undefined;
    }, 30_000);
    expect(dead[0]!.reason).toMatch(/^invalid input: InvalidInput: 0: .*and 249,9\d\d more/);
    const rec = await results.get(job.id);
    expect(rec?.state).toBe('failed');
    expect(rec!.error!.message.length).toBeLessThanOrEqual(4000);
    expect(rec!.error!.message).toMatch(/^0: Invalid input: expected string, received number; 1: /);
    expect(runs).toBe(0);
    expect((await broker.checkQueue(q)).messageCount).toBe(0);
  } finally {
    await worker.stop(1000);
    await broker.close();
    await results.close();
    await rest.close();
  }
}, 60_000);
