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
const RUN = `h73-deaf-${uuidv7().slice(-8)}`;
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
  const redis = new Redis(REDIS);
  await cleanUpRun(Q, redis, `${RUN}:`);
});

/**
 * SIGTERM with a task that ignores ctx.signal past the shutdown grace: its job is recorded
 * retrying and handed back, the process exits 0. The worker's line called it "still running after
 * its timeout (runaway)", though its timeout (60 s) was far off: the shutdown had aborted it.
 */
it('a task deaf to the shutdown abort: handed back, exit 0, and the line says the shutdown aborted it', async () => {
  w = startWorkerProcess(Q, {
    RABBITMQ_URL: AMQP,
    REDIS_URL: REDIS,
    WARREN_REDIS_PREFIX: `${RUN}:`,
    TEST_SHUTDOWN_MS: '500',
  });
  await w.ready;
  const job = makeJob({ task: 'w.deaf', queue: Q, input: { ms: 30_000 } });
  await broker.publisher.publish(Q, job);
  while (!w.output().includes('"msg":"job started"')) await new Promise((r) => setTimeout(r, 100));
  w.child.kill('SIGTERM');
  expect(await w.exited).toBe(0);
  expect((await results.get(job.id))?.state).toBe('retrying');
  const line = w
    .output()
    .split('\n')
    .find((l) => l.includes('"jobId":"' + job.id) && /still running/.test(l));
  expect(line).toMatch(/after the shutdown aborted it/);
}, 30_000);
