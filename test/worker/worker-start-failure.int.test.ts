import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { uuidv7 } from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobFor } from './support/tasks';
import { startWorkerProcess } from './support/worker-process';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const REDIS = 'redis://127.0.0.1:6379';
const RUN = `wsf-${uuidv7().slice(-8)}`;
const OK = `${RUN}.ok`;
const BAD = `${RUN}.bad`;
const results = createRedisResultStore({ redis: REDIS, prefix: `${RUN}:` });
let broker: AmqpBroker;

beforeAll(async () => {
  broker = createAmqpBroker({ urls: [AMQP] });
  await broker.connect();
  // A queue declared elsewhere with other arguments: the worker's declare of it is refused.
  const conn = await amqp.connect(AMQP);
  const ch = await conn.createChannel();
  await ch.assertQueue(BAD, { durable: true, arguments: { 'x-max-length': 7 } });
  await conn.close();
});
afterAll(async () => {
  await broker?.close();
  await results.close();
  const conn = await amqp.connect(AMQP);
  const ch = await conn.createChannel();
  for (const q of [OK, `${OK}.dlq`, BAD, `${BAD}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await conn.close().catch(() => {});
  const redis = new Redis(REDIS);
  const keys = await redis.keys(`${RUN}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('warren worker whose start-up fails after it began consuming', () => {
  it('exits 1 naming the cause, without abandoning the jobs it had already started', async () => {
    const jobs = [1, 2, 3].map(() => jobFor('w.mark', OK, { ms: 1500 }));
    for (const j of jobs) await broker.publisher.publish(OK, j);
    // OK is subscribed (and its jobs start) before BAD's declare is refused.
    const w = startWorkerProcess(`${OK},${BAD}`, {
      RABBITMQ_URL: AMQP,
      REDIS_URL: REDIS,
      WARREN_REDIS_PREFIX: `${RUN}:`,
      TEST_TRACE_KEY: `${RUN}:trace`,
    });
    w.ready.catch(() => {}); // it never gets there
    const code = await w.exited;
    expect(code, w.output()).toBe(1);
    expect(w.output()).toMatch(/PRECONDITION_FAILED/);
    // Killed mid-run, a job stays 'running' behind its lease (timeout + 30 s) and its task is cut.
    const states = await Promise.all(
      jobs.map(async (j) => (await results.get(j.id))?.state ?? 'not started'),
    );
    expect(
      states.filter((s) => s !== 'succeeded' && s !== 'not started'),
      w.output(),
    ).toEqual([]);
  }, 60_000);
});
