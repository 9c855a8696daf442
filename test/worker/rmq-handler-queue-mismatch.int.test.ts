import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqplib from 'amqplib';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { amqpRmqSink } from '../../stacks/functions/rmq-worker';
import { takeAsRmqEvent } from './support/rmq-event-source';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';

// The queue an Amazon MQ trigger reads was declared first by someone else (a Celery worker, by
// hand) with other arguments, so warren's declare is refused (406) and nothing can go to its
// DLQ, a delay tier or back to it. `warren worker` exits at start on that; the Lambda ran the
// batch and threw at its first retry or dead letter, so Lambda redelivered the whole batch, for
// ever, and each redelivery ran the failing job's task again (its retry never published).
it('a queue whose declare is refused fails the invocation before any task runs, saying why', async () => {
  const q = `rqm-${uuidv7().slice(-8)}.jobs`;
  const conn = await amqplib.connect(AMQP);
  const ch = await conn.createChannel();
  await ch.assertQueue(q, { durable: true }); // classic, no dead-lettering: not warren's arguments
  const broker = createAmqpBroker({ urls: [AMQP], queues: { [q]: {} }, healthIntervalMs: 0 });
  await broker.connect();
  const prefix = `${q}:`;
  const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix });
  let runs = 0;
  const task = defineTask({
    name: 'rqm.fails',
    input: z.unknown(),
    queue: q,
    retry: { maxAttempts: 3 },
    handler: () => {
      runs++;
      throw new Error('try again later');
    },
  });
  try {
    ch.sendToQueue(
      q,
      Buffer.from(JSON.stringify(makeJob({ task: 'rqm.fails', queue: q, input: 1, maxAttempts: 3 }))),
    );
    const event = await eventually(() => takeAsRmqEvent(ch, q));
    const worker = createWorker({
      config: defineConfig({ tasks: [task] }),
      results,
      publisher: broker.publisher,
      rmq: amqpRmqSink(broker),
    });
    const ctx = { getRemainingTimeInMillis: () => 60_000 };
    // Lambda delivers the batch again after each failed invocation.
    for (let i = 0; i < 2; i++)
      await expect(worker.rmqHandler(event, ctx)).rejects.toThrow(/exists with other arguments/);
    expect(runs).toBe(0);
  } finally {
    await ch.deleteQueue(q).catch(() => {});
    await ch.deleteQueue(`${q}.dlq`).catch(() => {});
    await conn.close();
    await broker.close();
    await results.close();
    const redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}, 30_000);
