import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobFor } from './support/tasks';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const REDIS = 'redis://127.0.0.1:6379';
const RUN = `wse-${uuidv7().slice(-8)}`;
const results = createRedisResultStore({ redis: REDIS, prefix: `${RUN}:` });
let broker: AmqpBroker;
const procs: WorkerProcess[] = [];
const queues: string[] = [];

beforeAll(async () => {
  broker = createAmqpBroker({ urls: [AMQP] });
  await broker.connect();
});
afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await broker?.close();
  await results.close();
  const conn = await amqp.connect(AMQP);
  const ch = await conn.createChannel();
  for (const q of queues) for (const x of [q, `${q}.dlq`]) await ch.deleteQueue(x).catch(() => {});
  await conn.close().catch(() => {});
  const redis = new Redis(REDIS);
  const keys = await redis.keys(`${RUN}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

async function scenario(kind: 'rejection' | 'throw') {
  const q = `${RUN}.${kind}`;
  queues.push(q);
  const w = startWorkerProcess(q, {
    RABBITMQ_URL: AMQP,
    REDIS_URL: REDIS,
    WARREN_REDIS_PREFIX: `${RUN}:`,
    TEST_TRACE_KEY: `${RUN}:trace`,
  });
  procs.push(w);
  await w.ready;
  // A job in flight on the same worker when another task leaves a stray error behind.
  const slow = jobFor('w.mark', q, { ms: 1500 });
  await broker.publisher.publish(q, slow);
  await eventually(async () => (await results.get(slow.id))?.state === 'running', 20_000);
  const stray = jobFor('w.stray', q, { kind });
  await broker.publisher.publish(q, stray);
  await eventually(async () => (await results.get(stray.id))?.state === 'succeeded', 20_000);
  return { w, slow };
}

// Concurrent: each scenario has its own queue and worker process; most of the time is spawning it.
describe.concurrent('warren worker and a stray error from a task', () => {
  it('an unhandled rejection is logged; the worker and its other jobs carry on', async () => {
    const { w, slow } = await scenario('rejection');
    await eventually(async () => (await results.get(slow.id))?.state === 'succeeded', 20_000);
    expect(w.child.exitCode, w.output()).toBe(null);
    expect(w.output()).toMatch(/stray rejection from w\.stray/);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
  }, 60_000);

  it('an uncaught exception drains the jobs in flight before the process exits 1', async () => {
    const { w, slow } = await scenario('throw');
    const code = await w.exited;
    expect(code, w.output()).toBe(1);
    expect(w.output()).toMatch(/stray throw from w\.stray/);
    expect((await results.get(slow.id))?.state, w.output()).toBe('succeeded');
  }, 60_000);
});
