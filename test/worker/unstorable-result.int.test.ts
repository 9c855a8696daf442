import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';

const RUN = `wur-${uuidv7().slice(-8)}`;
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

// Redis refuses to encode a BigInt: the result write rejected, the worker released the message,
// and the job sat `running` behind its own lease, run again each time the lease lapsed.
it('a result Redis cannot store (BigInt) fails the job into the DLQ after one run', async () => {
  const q = `${RUN}.q`;
  let runs = 0;
  const big = defineTask({
    name: 'big',
    input: z.unknown(),
    queue: q,
    handler: () => {
      runs++;
      return { total: 10n };
    },
  });
  const broker = createAmqpBroker({ urls: ['amqp://guest:guest@127.0.0.1:5672'] });
  await broker.connect();
  const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });
  const worker = createWorker({ config: defineConfig({ tasks: [big] }), consumer: broker.consumer, results });
  try {
    await worker.start();
    const job = makeJob({ task: 'big', queue: q });
    await broker.publisher.publish(q, job);
    const rec = await eventually(async () => {
      const r = await results.get(job.id);
      return r?.state === 'failed' ? r : undefined;
    }, 10_000);
    expect(rec.error).toMatchObject({ type: 'ResultNotSerializable', retryable: false });
    expect(rec.error?.message).toMatch(/BigInt/);
    await eventually(async () => (await broker.checkQueue(`${q}.dlq`)).messageCount === 1);
    expect((await broker.checkQueue(q)).messageCount).toBe(0);
    expect(runs).toBe(1);
  } finally {
    await worker.stop(1000);
    await broker.close();
    await results.close();
  }
}, 30_000);
