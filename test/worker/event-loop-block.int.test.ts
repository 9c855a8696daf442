import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanUpRun } from '../ingest/support';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const REDIS = 'redis://127.0.0.1:6379';
const RUN = `h73-elb-${uuidv7().slice(-8)}`;
const Q = `${RUN}.q`;
const TRACE = `${RUN}:trace`;
const results = createRedisResultStore({ redis: REDIS, prefix: `${RUN}:` });
const redis = new Redis(REDIS);
let broker: AmqpBroker;
let w: WorkerProcess | undefined;

beforeAll(async () => {
  broker = createAmqpBroker({ urls: [AMQP] });
  await broker.connect();
});
afterAll(async () => {
  if (w?.child.exitCode === null) w.child.kill('SIGKILL');
  await broker?.close();
  await results.close();
  await cleanUpRun(Q, redis, `${RUN}:`);
});

/**
 * A task doing synchronous CPU work blocks the event loop, AMQP heartbeats included: RabbitMQ
 * drops the connection (heartbeat=1 here: 4 s is past it) and requeues the job. Recorded once
 * and run once (its copy is acked as a duplicate), but all the worker said was "broker
 * disconnected: write ECONNRESET" (or "Unexpected close").
 */
it('a task blocking the event loop past the heartbeat: run once, and a line says why the connection dropped', async () => {
  w = startWorkerProcess(Q, {
    RABBITMQ_URL: `${AMQP}?heartbeat=1`,
    REDIS_URL: REDIS,
    WARREN_REDIS_PREFIX: `${RUN}:`,
    TEST_TRACE_KEY: TRACE,
  });
  await w.ready;
  const job = makeJob({ task: 'w.busy', queue: Q, input: { ms: 4000 }, maxAttempts: 1 });
  await broker.publisher.publish(Q, job);
  await eventually(async () => (await results.get(job.id))?.state === 'succeeded', 15_000, 200);
  await eventually(() => /"msg":"job skipped"/.test(w!.output()), 10_000, 200); // the requeued copy
  expect(await redis.lrange(TRACE, 0, -1)).toEqual([job.id]);
  // The block's line (a loaded machine may add a short stall of its own, with no task running).
  const line = w
    .output()
    .split('\n')
    .find((l) => l.includes('event loop blocked') && l.includes('"running":["w.busy"]'));
  expect(line).toMatch(/"level":"warn"/);
  expect(line).toMatch(/"blockedMs":([3-9]\d{3}|\d{5,})/);
  expect(line).toMatch(/heartbeat/);
  w.child.kill('SIGTERM');
  expect(await w.exited).toBe(0);
}, 40_000);
