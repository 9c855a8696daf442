import { resolve } from 'node:path';
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
const RUN = `h54-wl-${uuidv7().slice(-8)}`;
const Q = `${RUN}.q`;
const TRACE = `${RUN}:trace`;
const results = createRedisResultStore({ redis: REDIS, prefix: `${RUN}:` });
const redis = new Redis(REDIS);
let broker: AmqpBroker;
const procs: WorkerProcess[] = [];

const spawnWorker = (env: Record<string, string> = {}) => {
  const p = startWorkerProcess(Q, {
    WARREN_CONFIG: resolve(import.meta.dirname, 'support/crash-config.ts'),
    RABBITMQ_URL: AMQP,
    REDIS_URL: REDIS,
    WARREN_REDIS_PREFIX: `${RUN}:`,
    TEST_TRACE_KEY: TRACE,
    // The lease B waits out is the task's timeout plus this margin (the default 30 s cost ~30 s).
    TEST_LEASE_MARGIN_MS: '5000',
    ...env,
  });
  procs.push(p);
  return p;
};

beforeAll(async () => {
  broker = createAmqpBroker({ urls: [AMQP] });
  await broker.connect();
});
afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await broker?.close();
  await results.close();
  await cleanUpRun(Q, redis, `${RUN}:`);
});

/**
 * A task that ends its worker's process left its record `running`; RabbitMQ handed the message
 * back with the same attempt and the next worker, once the lease lapsed, ran it again as that
 * attempt: with maxAttempts 2 it ran 5 times in 134 s, taking a worker down each time, never
 * failed. Taking over a dead run now spends its attempt (BullMQ's stalled-job limit).
 */
it('a job that kills its worker on its last attempt is failed (WorkerLostError), not run again', async () => {
  const job = makeJob({ task: 'w.crash', queue: Q, input: {}, maxAttempts: 1 });
  await broker.publisher.publish(Q, job);
  const a = spawnWorker();
  expect(await a.exited).toBe(3);
  const b = spawnWorker();
  await b.ready;
  // B gets the message back at once, defers it behind A's lease (1 s + 5 s), then takes it over.
  const rec = await eventually(
    async () => {
      const r = await results.get(job.id);
      return r?.state === 'failed' ? r : undefined;
    },
    60_000,
    250,
  );
  expect(rec.error).toMatchObject({ type: 'WorkerLostError', retryable: false });
  expect(await redis.lrange(TRACE, 0, -1)).toEqual([`${job.id}:1`]);
  expect((await broker.peekDeadLetters(Q)).map((d) => d.messageId)).toEqual([job.id]);
  expect(b.child.exitCode).toBeNull();
  b.child.kill('SIGTERM');
  expect(await b.exited).toBe(0);
}, 90_000);

/**
 * `results.ttlS` counts from the job's end. The dead run's record kept only that plus the lease:
 * the copy deferred behind the lease came back once it lapsed, found no record and ran the job
 * as a fresh start (taking its next worker down, and so on for good), and GET answered 404 for
 * a job still on its way. A running record lasts as a waiting one does.
 */
it('a job that kills its worker is failed (WorkerLostError) also with a 1 s results.ttlS', async () => {
  const short = { TEST_RESULT_TTL_S: '1', TEST_LEASE_MARGIN_MS: '1000' };
  const job = makeJob({ task: 'w.crash', queue: Q, input: {}, maxAttempts: 1 });
  await broker.publisher.publish(Q, job);
  const a = spawnWorker(short);
  expect(await a.exited).toBe(3);
  const b = spawnWorker(short);
  await b.ready;
  // B defers the copy behind A's lease (1 s + 1 s), then takes it over; or runs it and dies.
  const rec = await eventually(
    async () => {
      const r = await results.get(job.id);
      return r?.state === 'failed' || b.child.exitCode !== null ? (r ?? 'no record') : undefined;
    },
    30_000,
    100,
  );
  expect(b.child.exitCode).toBeNull();
  expect(rec).toMatchObject({ state: 'failed', error: { type: 'WorkerLostError', retryable: false } });
  const runs = (await redis.lrange(TRACE, 0, -1)).filter((t) => t.startsWith(job.id));
  expect(runs).toEqual([`${job.id}:1`]);
  b.child.kill('SIGTERM');
  expect(await b.exited).toBe(0);
}, 60_000);
