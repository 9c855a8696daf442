import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqplib, { type Channel, type ChannelModel } from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { amqpRmqSink } from '../../stacks/functions/rmq-worker';
import { takeAsRmqEvent } from './support/rmq-event-source';

// The Amazon MQ (aws:rmq) Lambda worker in a rolling deploy: an old worker function's invocation
// hands a job of a task it lacks back through the delay tiers (the trigger cannot requeue one
// message of a batch), and the new version's invocation runs it.
const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const RUN = `rug-${uuidv7().slice(-8)}`;
const Q = `${RUN}.jobs`;
const ctx = { getRemainingTimeInMillis: () => 60_000 };
let broker: AmqpBroker;
let conn: ChannelModel;
let ch: Channel;
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
    publisher: broker.publisher,
    rmq: amqpRmqSink(broker),
  });

beforeAll(async () => {
  broker = createAmqpBroker({ urls: [AMQP], queues: { [Q]: {} } });
  await broker.connect();
  await broker.ensureQueue(Q);
  conn = await amqplib.connect(AMQP);
  ch = await conn.createChannel();
});
afterAll(async () => {
  await ch?.deleteQueue(Q).catch(() => {});
  await ch?.deleteQueue(`${Q}.dlq`).catch(() => {});
  await conn?.close().catch(() => {});
  await broker?.close();
  await results.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

it('an old worker function hands the job back through the delay tiers, the new one runs it', async () => {
  const job = makeJob({ task: added.name, queue: Q, input: { n: 21 } });
  await broker.publisher.publish(Q, job);
  await worker([known]).rmqHandler((await eventually(() => takeAsRmqEvent(ch, Q)))!, ctx);
  expect(await results.get(job.id)).toMatchObject({ state: 'retrying', error: { type: 'UnknownTask' } });
  // Its copy is back after the hand-back's delay (1 s: a tenth of the grace), the attempt unspent.
  const back = (await eventually(() => takeAsRmqEvent(ch, Q), 8000, 50))!;
  await worker([known, added]).rmqHandler(back, ctx);
  expect(await results.get(job.id)).toMatchObject({ state: 'succeeded', result: 42, attempts: 1 });
  const dlq = await ch.checkQueue(`${Q}.dlq`);
  expect(dlq.messageCount).toBe(0);
}, 15_000);
