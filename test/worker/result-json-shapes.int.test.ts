import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, isTerminal, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * What the README says a task's result becomes (its JSON, as BullMQ stores a return value) and
 * which results fail the job instead, on the real worker over RabbitMQ (:5672) and Redis (:6379).
 */
const RUN = `wrj-${uuidv7().slice(-8)}`;
const Q = `${RUN}.q`;
const runs: Record<string, number> = {};
const nest = (levels: number) => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
};
const RESULTS: Record<string, () => unknown> = {
  shapes: () => ({
    date: new Date(0),
    map: new Map([['a', 1]]),
    set: new Set([1]),
    error: new Error('boom'),
    gone: undefined,
    list: [undefined, Number.NaN, Number.POSITIVE_INFINITY],
  }),
  nothing: () => undefined,
  nested1k: () => nest(1_000),
  nested100k: () => nest(100_000),
  circular: () => {
    const o: Record<string, unknown> = {};
    o.self = o;
    return o;
  },
};
const task = defineTask({
  name: 'wrj.return',
  input: z.object({ kind: z.string() }),
  queue: Q,
  handler: ({ kind }) => {
    runs[kind] = (runs[kind] ?? 0) + 1;
    return RESULTS[kind]!();
  },
});
const broker = createAmqpBroker({ urls: ['amqp://guest:guest@127.0.0.1:5672'] });
const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });
const worker = createWorker({ config: defineConfig({ tasks: [task] }), consumer: broker.consumer, results });

beforeAll(async () => {
  await broker.connect();
  await worker.start();
});
afterAll(async () => {
  await worker.stop(1000);
  await broker.close();
  await results.close();
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await conn.createChannel();
  for (const q of [Q, `${Q}.dlq`]) await ch.deleteQueue(q);
  await conn.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const run = async (kind: string) => {
  const job = makeJob({ task: 'wrj.return', queue: Q, input: { kind } });
  await broker.publisher.publish(Q, job);
  return eventually(async () => {
    const r = await results.get(job.id);
    return r && isTerminal(r.state) ? r : undefined;
  }, 10_000);
};

it('a result is stored as its JSON', async () => {
  expect((await run('shapes')).result).toEqual({
    date: '1970-01-01T00:00:00.000Z',
    map: {},
    set: {},
    error: {},
    list: [null, null, null],
  });
  expect((await run('nothing')).result).toBeNull();
  expect((await run('nested1k')).state).toBe('succeeded');
});

it('a result JSON cannot hold fails the job after one run, ResultNotSerializable saying why', async () => {
  for (const [kind, why] of [
    ['nested100k', /Maximum call stack size exceeded/],
    ['circular', /circular structure/],
  ] as const) {
    const rec = await run(kind);
    expect(rec).toMatchObject({
      state: 'failed',
      error: { type: 'ResultNotSerializable', retryable: false },
    });
    expect(rec.error?.message).toMatch(why);
    expect(runs[kind]).toBe(1);
  }
  await eventually(async () => (await broker.checkQueue(`${Q}.dlq`)).messageCount === 2);
});
