import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, type ExecutionEvent } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { createRedisResultStore, type TcpResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun } from '../ingest/support';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';

/**
 * The write that starts a job sent to a Redis that froze (SIGSTOP: a paused VM, a stalled fork)
 * past the store's command timeout: the worker handed the message back, and Redis ran the write
 * once it resumed, leaving the job `running` under a lease no run held. A copy taken by another
 * worker (which cannot know the start was not a run) was deferred the lease, then took it for a
 * dead worker's run: WorkerLostError, the job (maxAttempts 1) failed without ever running.
 * Real RabbitMQ (:5672), a private redis-server frozen and resumed, two workers (the first stops
 * consuming once it handed the job back, so the copy reaches the second).
 */
const RUN = `ss${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
let runs = 0;
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  // A short lease (timeout + margin) keeps the deferral of the copy short.
  worker: { leaseMarginMs: 1000 },
  tasks: [
    defineTask({
      name: 'ss.run',
      queue: QUEUE,
      input: z.object({}),
      timeoutMs: 1000,
      handler: async () => ++runs,
    }),
  ],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let redis: PrivateRedis | undefined;
const closing: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  redis?.signal('SIGCONT');
  for (const close of closing.reverse()) await close().catch(() => {});
  await cleanUpRun(QUEUE, undefined, '');
  await redis?.stop();
});

async function workerOn(redisUrl: string, id: string, events: ExecutionEvent[], onError?: () => void) {
  const broker: AmqpBroker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
  await broker.connect();
  const results: TcpResultStore = createRedisResultStore({
    redis: redisUrl,
    prefix: `${RUN}:`,
    redisOptions: { commandTimeout: 1000 },
  });
  await results.get('00000000-0000-7000-8000-000000000000'); // connected before any freeze
  closing.push(
    () => broker.close(),
    () => results.close(),
  );
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results,
    queues: [QUEUE],
    workerId: id,
    onEvent: (e) => events.push(e),
    onError,
  });
  closing.push(() => worker.stop(2000));
  return { worker, results };
}

it('a start write a frozen Redis ran late does not fail the job unrun on another worker', async () => {
  redis = await startPrivateRedis('start write stalled');
  const events: ExecutionEvent[] = [];
  let handedBack: () => void = () => {};
  const released = new Promise<void>((r) => {
    handedBack = r;
  });
  const first = await workerOn(redis.url, 'w1', events, () => handedBack());
  await first.worker.start();
  const publisher = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
  await publisher.connect();
  closing.push(() => publisher.close());

  redis.signal('SIGSTOP');
  const job = makeJob({ task: 'ss.run', queue: QUEUE, input: {}, maxAttempts: 1 });
  try {
    await publisher.publisher.publish(QUEUE, job);
    await released; // the start write timed out: the delivery goes back
    await first.worker.stop(5000); // (its store stays open, as a worker's process would)
  } finally {
    redis.signal('SIGCONT'); // Redis runs the start write it held
  }
  const second = await workerOn(redis.url, 'w2', events);
  await second.worker.start();

  let rec = await second.results.get(job.id);
  for (let i = 0; i < 100 && !['succeeded', 'failed'].includes(rec?.state ?? ''); i++) {
    await sleep(100);
    rec = await second.results.get(job.id);
  }
  expect(rec).toMatchObject({ state: 'succeeded', result: 1 });
  expect(runs).toBe(1);
  expect(events.filter((e) => e.type === 'failed')).toEqual([]);
}, 30_000);
