import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, type ExecutionEvent, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { type AmqpFrameProxy, startAmqpFrameProxy } from '../../packages/amqp/src/testing/amqp-frame-proxy';
import { cleanUpRun } from '../ingest/support';

const RUN = `h70-ral-${uuidv7().slice(-8)}`;
const Q = `${RUN}.q`;
const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });
const runs: number[] = [];
const events: ExecutionEvent[] = [];
let frames: AmqpFrameProxy | undefined;
let close: (() => Promise<void>) | undefined;

const flaky = defineTask({
  name: 'h70.flaky',
  input: z.object({}),
  queue: Q,
  handler: async (_i, ctx) => {
    runs.push(ctx.attempt);
    if (ctx.attempt === 1) throw new Error('first try fails');
    return 'ok';
  },
});

afterAll(async () => {
  await close?.().catch(() => {});
  await frames?.close();
  await results.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  await cleanUpRun(Q, redis, `${RUN}:`);
});

/**
 * Attempt 1 failed and its retry (attempt 2, due in 3 s) was confirmed, but the ack of attempt 1
 * never reached RabbitMQ before the connection dropped: the broker hands attempt 1 back at once.
 * The record said `retrying` after attempt 1 either way, so that copy ran attempt 1 again and
 * published a second attempt 2 (runs [1, 1, 2]). The same copy comes back after a lease wait
 * when the connection drops mid-run and the retry's backoff is longer than the wait.
 */
it('a failed attempt whose ack was lost after its retry was confirmed is not run again', async () => {
  frames = await startAmqpFrameProxy(5672);
  const broker = createAmqpBroker({ urls: [frames.url], queues: { [Q]: {} } });
  await broker.connect();
  const worker = createWorker({
    config: defineConfig({ tasks: [flaky] }),
    consumer: broker.consumer,
    results,
    queues: [Q],
    onEvent: (e) => events.push(e),
  });
  close = async () => {
    await worker.stop();
    await broker.close();
  };
  await worker.start();
  // The consumer's acks (basic.ack, class 60 method 80, from the client) are lost.
  frames.drop = (f) => f.from === 'client' && f.classId === 60 && f.methodId === 80;
  const backoff = { kind: 'fixed', baseMs: 3000, maxMs: 3000, jitter: false } as const;
  const job = makeJob({ task: flaky.name, queue: Q, input: {}, maxAttempts: 3, backoff });
  await broker.publisher.publish(Q, job);
  await eventually(() => events.some((e) => e.type === 'retried'), 10_000);
  frames.drop = () => false;
  frames.cut();
  // Back within the retry's 3 s as a rule (not-owner: its retry waits); on a reconnect slower than
  // that, after attempt 2 succeeded (already-finished). Either way it does not run.
  const stale = await eventually(() => events.find((e) => e.type === 'skipped' && e.attempt === 1), 15_000);
  expect(['not-owner', 'already-finished']).toContain(stale.reason);
  await eventually(async () => (await results.get(job.id))?.state === 'succeeded', 15_000, 100);
  await new Promise((r) => setTimeout(r, 500)); // a second copy of attempt 2 would show by now
  expect(runs).toEqual([1, 2]);
  expect(await results.get(job.id)).toMatchObject({ state: 'succeeded', attempts: 2 });
  expect(events.filter((e) => e.type === 'retried')).toHaveLength(1);
}, 30_000);
