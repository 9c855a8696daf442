import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { uuidv7 } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanUpRun } from '../ingest/support';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const REDIS = 'redis://127.0.0.1:6379';
const RUN = `hup-${uuidv7().slice(-8)}`;
const Q = `${RUN}.q`;
const results = createRedisResultStore({ redis: REDIS, prefix: `${RUN}:` });
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
  await cleanUpRun(Q, new Redis(REDIS), `${RUN}:`);
});

/**
 * SIGHUP (the terminal of a foreground `warren worker` closed, an ssh session dropped) drains like
 * SIGTERM. Node's default for it is to end the process at once: the job in hand was cut off
 * mid-run, its record left `running` until its lease lapsed (the task's timeout + 30 s) before
 * another worker could take it over.
 */
it('SIGHUP drains like SIGTERM: the job in hand finishes and is recorded, exit 0', async () => {
  w = startWorkerProcess(Q, {
    RABBITMQ_URL: AMQP,
    REDIS_URL: REDIS,
    WARREN_REDIS_PREFIX: `${RUN}:`,
    TEST_SHUTDOWN_MS: '10000',
  });
  await w.ready;
  const job = makeJob({ task: 'w.slow', queue: Q, input: { ms: 1500 } });
  await broker.publisher.publish(Q, job);
  while (!w.output().includes('"msg":"job started"')) await new Promise((r) => setTimeout(r, 50));
  w.child.kill('SIGHUP');
  const code = await w.exited;
  expect(code, `exit ${code} (signal ${w.child.signalCode}); output:\n${w.output()}`).toBe(0);
  expect(w.output()).toMatch(/SIGHUP: shutting down/);
  expect((await results.get(job.id))?.state).toBe('succeeded');
  expect((await broker.checkQueue(Q)).messageCount).toBe(0);
}, 30_000);
