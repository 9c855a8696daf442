import { type AmqpBroker, celeryCodecsFor, createAmqpBroker, dlqName } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, NonRetriableError, uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { replayDeadLetters } from './dlq-replay';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const REDIS = 'redis://127.0.0.1:6379';
const RUN = `h57-dlqc-${uuidv7().slice(-8)}`;
const Q = `${RUN}-celery`;
const PREFIX = `${RUN}:`;

let broken = true;
const task = defineTask({
  name: 'h57.add',
  queue: Q,
  input: z.object({ a: z.number(), b: z.number() }),
  retry: { maxAttempts: 1 },
  handler: ({ a, b }) => {
    if (broken) throw new NonRetriableError('not today');
    return a + b;
  },
});
const config = defineConfig({ queues: { [Q]: { protocol: 'celery' } }, tasks: [task] });
const results = createRedisResultStore({ redis: REDIS, prefix: PREFIX });
let broker: AmqpBroker;

beforeAll(async () => {
  broker = createAmqpBroker({
    urls: [AMQP],
    queues: config.queues,
    codecs: celeryCodecsFor(config),
    healthIntervalMs: 0,
  });
  await broker.connect();
});
afterAll(async () => {
  await broker?.close();
  const admin = await amqp.connect(AMQP);
  const ch = await admin.createChannel();
  for (const q of [Q, dlqName(Q)]) await ch.deleteQueue(q).catch(() => {});
  await admin.close();
  await results.close();
  const redis = new Redis(REDIS);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('dlq replay on a protocol: celery queue', () => {
  it('reads the Celery letter and replays it through the Celery codec as a new job that runs', async () => {
    const producer = createProducer({
      config,
      publishers: new Map([[config.region, broker.publisher]]),
      results,
    });
    const worker = createWorker({ config, consumer: broker.consumer, results, queues: [Q] });
    await worker.start();
    const { response } = await producer.enqueue({ task: 'h57.add', input: { a: 2, b: 3 } });
    await eventually(async () => (await results.get(response.id))?.state === 'failed', 10_000);
    await eventually(async () => (await broker.checkQueue(dlqName(Q))).messageCount === 1, 10_000);
    await worker.stop(5000);

    const report = await replayDeadLetters(await broker.takeDeadLetters(Q, 10), producer.enqueue, Q);
    expect(report.outcomes).toMatchObject([{ kind: 'replayed', oldId: response.id, task: 'h57.add' }]);
    const fresh = (report.outcomes[0] as { newId: string }).newId;
    await eventually(async () => (await broker.checkQueue(dlqName(Q))).messageCount === 0, 5000);

    // On the wire: a Celery v2 message (headers carry task and id, body [args, kwargs, embed]).
    const admin = await amqp.connect(AMQP);
    const ch = await admin.createChannel();
    const m = await eventually(async () => (await ch.get(Q, { noAck: false })) || undefined, 5000);
    expect(m.properties.headers).toMatchObject({ lang: 'py', task: 'h57.add', id: fresh });
    expect(JSON.parse(m.content.toString())[1]).toEqual({ a: 2, b: 3 });
    await ch.close(); // handed back
    await admin.close();

    broken = false;
    const again = createWorker({ config, consumer: broker.consumer, results, queues: [Q] });
    await again.start();
    const rec = await eventually(async () => {
      const r = await results.get(fresh);
      return r?.state === 'succeeded' ? r : undefined;
    }, 10_000);
    await again.stop(5000);
    expect(rec.result).toBe(5);
    expect((await results.get(response.id))?.state).toBe('failed');
  }, 60_000);
});
