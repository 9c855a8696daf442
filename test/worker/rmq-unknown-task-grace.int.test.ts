import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { amqpRmqSink } from '../../stacks/functions/rmq-worker';
import { amqpQueue } from './support/amqp-queue';
import { takeAsRmqEvent } from './support/rmq-event-source';

// The Amazon MQ (aws:rmq) Lambda worker in a rolling deploy: an old worker function's invocation
// hands a job of a task it lacks back through the delay tiers (the trigger cannot requeue one
// message of a batch), and the new version's invocation runs it.
const RUN = `rug-${uuidv7().slice(-8)}`;
const Q = `${RUN}.jobs`;
const amqp = amqpQueue(Q);
const ctx = { getRemainingTimeInMillis: () => 60_000 };
const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });
const known = defineTask({ name: 'rug.known', queue: Q, input: z.object({}), handler: async () => 'ok' });
const added = defineTask({
  name: 'rug.added',
  queue: Q,
  input: z.object({ n: z.number() }),
  handler: async ({ n }) => n * 2,
});
const worker = (tasks: (typeof known | typeof added)[]) =>
  createWorker({
    config: defineConfig({ queues: { [Q]: {} }, tasks, worker: { unknownTaskGraceMs: 10_000 } }),
    results,
    publisher: amqp.broker.publisher,
    rmq: amqpRmqSink(amqp.broker),
  });

afterAll(async () => {
  await results.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

it('an old worker function hands the job back through the delay tiers, the new one runs it', async () => {
  const job = makeJob({ task: added.name, queue: Q, input: { n: 21 } });
  await amqp.broker.publisher.publish(Q, job);
  await worker([known]).rmqHandler((await eventually(() => takeAsRmqEvent(amqp.ch, Q)))!, ctx);
  expect(await results.get(job.id)).toMatchObject({ state: 'retrying', error: { type: 'UnknownTask' } });
  // Its copy is back after the hand-back's delay (1 s: a tenth of the grace), the attempt unspent.
  const back = (await eventually(() => takeAsRmqEvent(amqp.ch, Q), 8000, 50))!;
  await worker([known, added]).rmqHandler(back, ctx);
  expect(await results.get(job.id)).toMatchObject({ state: 'succeeded', result: 42, attempts: 1 });
  const dlq = await amqp.ch.checkQueue(`${Q}.dlq`);
  expect(dlq.messageCount).toBe(0);
}, 15_000);
