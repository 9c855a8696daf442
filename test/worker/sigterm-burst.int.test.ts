import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanUpRun } from '../ingest/support';
import { jobFor } from './support/tasks';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const REDIS = 'redis://127.0.0.1:6379';
const RUN = `tb-${uuidv7().slice(-8)}`;
const Q = `${RUN}.q`;
const TRACE = `${RUN}:trace`;
const results = createRedisResultStore({ redis: REDIS, prefix: `${RUN}:` });
const redis = new Redis(REDIS);
let broker: AmqpBroker;
const procs: WorkerProcess[] = [];
const env = (extra: Record<string, string>) => ({
  RABBITMQ_URL: AMQP,
  REDIS_URL: REDIS,
  WARREN_REDIS_PREFIX: `${RUN}:`,
  TEST_TRACE_KEY: TRACE,
  ...extra,
});

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
 * A burst at concurrency 20, SIGTERM mid-burst (Kubernetes rolling the worker): exit 0, every job
 * either finished or handed back (never left `running`), and each task body completed exactly once
 * once a second worker has drained the rest.
 */
it('SIGTERM during a burst at concurrency 20: exit 0, nothing lost, nothing run twice', async () => {
  const jobs = Array.from({ length: 60 }, (_, i) => jobFor('w.mark', Q, { ms: 200 + ((i * 137) % 2600) }));
  for (const j of jobs) await broker.publisher.publish(Q, j);
  const a = startWorkerProcess(Q, env({ TEST_CONCURRENCY: '20', TEST_SHUTDOWN_MS: '1000' }));
  procs.push(a);
  await a.ready;
  await eventually(async () => (await redis.llen(TRACE)) >= 5, 20_000, 20);
  a.child.kill('SIGTERM');
  const code = await a.exited;
  expect(code, `exit ${code}; output:\n${a.output()}`).toBe(0);
  const states = await Promise.all(jobs.map(async (j) => (await results.get(j.id))?.state));
  expect(
    states.filter((s) => s === 'running'),
    states.join(','),
  ).toEqual([]);

  const b = startWorkerProcess(Q, env({ TEST_CONCURRENCY: '20' }));
  procs.push(b);
  await b.ready;
  await eventually(
    async () =>
      (await Promise.all(jobs.map((j) => results.get(j.id)))).every((r) => r?.state === 'succeeded'),
    40_000,
    250,
  );
  const trace = await redis.lrange(TRACE, 0, -1);
  expect(trace.length).toBe(jobs.length);
  expect(new Set(trace).size).toBe(jobs.length);
  expect((await broker.checkQueue(Q)).messageCount).toBe(0);
  b.child.kill('SIGTERM');
  expect(await b.exited).toBe(0);
}, 90_000);
