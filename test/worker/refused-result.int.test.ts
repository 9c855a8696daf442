import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createUpstashResultStore, serveRedisRest } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';

const RUN = `wrr-${uuidv7().slice(-8)}`;
const redis = new Redis('redis://127.0.0.1:6379');

afterAll(async () => {
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await conn.createChannel();
  for (const q of [`${RUN}.q`, `${RUN}.q.dlq`]) await ch.deleteQueue(q);
  await conn.close();
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

// Upstash refuses a request over its size limit (10 MB; 64 KiB on this stand-in). The store's
// error is not recoverable, but the worker released the message anyway: the job ran again on
// every delivery and was refused every time, a crash loop instead of a dead letter.
it('a result the store refuses for good (over the REST endpoint size limit) fails the job into the DLQ after one run', async () => {
  const q = `${RUN}.q`;
  let runs = 0;
  const huge = defineTask({
    name: 'huge',
    input: z.unknown(),
    queue: q,
    handler: () => {
      runs++;
      return 'x'.repeat(100_000);
    },
  });
  const rest = await serveRedisRest({
    port: 0,
    redisUrl: 'redis://127.0.0.1:6379',
    token: 't',
    maxRequestBytes: 64 * 1024,
  });
  const broker = createAmqpBroker({ urls: ['amqp://guest:guest@127.0.0.1:5672'] });
  await broker.connect();
  const results = createUpstashResultStore({ url: rest.url, token: 't', prefix: `${RUN}:` });
  const worker = createWorker({
    config: defineConfig({ tasks: [huge] }),
    consumer: broker.consumer,
    results,
  });
  try {
    await worker.start();
    const job = makeJob({ task: 'huge', queue: q });
    await broker.publisher.publish(q, job);
    const rec = await eventually(async () => {
      const r = await results.get(job.id);
      return r?.state === 'failed' ? r : undefined;
    }, 15_000);
    expect(rec.error).toMatchObject({ type: 'ResultNotStored', retryable: false });
    expect(rec.error?.message).toMatch(/max request size/);
    await eventually(async () => (await broker.checkQueue(`${q}.dlq`)).messageCount === 1);
    expect((await broker.checkQueue(q)).messageCount).toBe(0);
    expect(runs).toBe(1);
  } finally {
    await worker.stop(1000);
    await broker.close();
    await results.close();
    await rest.close();
  }
}, 30_000);
