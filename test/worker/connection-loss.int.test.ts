import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, type ExecutionEvent, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { cleanUpRun } from '../ingest/support';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

const RUN = `h54-cl-${uuidv7().slice(-8)}`;
const Q = `${RUN}.q`;
const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });
let proxy: TcpProxy;
let broker: AmqpBroker;
const runs = new Map<string, number>();
const events: ExecutionEvent[] = [];

// 3 s: the lease (timeout + the worker's margin) a redelivered copy waits behind stays short.
const slow = defineTask({
  name: 'h54.slow',
  input: z.object({ ms: z.number(), fail: z.boolean() }),
  queue: Q,
  timeoutMs: 3000,
  retry: { maxAttempts: 2, backoff: { kind: 'fixed', baseMs: 300, maxMs: 300, jitter: false } },
  handler: async ({ ms, fail }, ctx) => {
    runs.set(ctx.jobId, (runs.get(ctx.jobId) ?? 0) + 1);
    await new Promise((r) => setTimeout(r, ms));
    if (fail) throw new Error(`boom (attempt ${ctx.attempt})`);
    return 'ok';
  },
});

beforeAll(async () => {
  proxy = await startTcpProxy(5672);
  broker = createAmqpBroker({ urls: [`amqp://guest:guest@127.0.0.1:${proxy.port}`], queues: { [Q]: {} } });
  await broker.connect();
});
afterAll(async () => {
  await broker?.close().catch(() => {});
  await proxy?.close();
  await results.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  await cleanUpRun(Q, redis, `${RUN}:`);
});

/**
 * The connection drops while jobs run: RabbitMQ requeues their messages, the worker reconnects
 * and gets them again while the first runs go on (each copy is deferred behind its run's lease).
 * Each attempt must run once, each job be recorded once, and a failed one reach the DLQ once: a
 * copy of attempt 1 came back after the failure and was dead-lettered a second time, and one that
 * came back while a later attempt waited for its retry ran attempt 1 again beside the retries.
 */
it('connection lost mid-task: each attempt runs once, one outcome each, one DLQ message per failed job', async () => {
  const worker = createWorker({
    // The lease margin (30 s by default) sets the test's clock: 8 s, and slowRetry's backoff with it.
    config: defineConfig({ tasks: [slow], worker: { leaseMarginMs: 8000 } }),
    consumer: broker.consumer,
    results,
    queues: [Q],
    concurrency: 4,
    onEvent: (e) => events.push(e),
  });
  await worker.start();
  const ok = makeJob({ task: slow.name, queue: Q, input: { ms: 1500, fail: false }, maxAttempts: 2 });
  const bad = makeJob({ task: slow.name, queue: Q, input: { ms: 1500, fail: true }, maxAttempts: 2 });
  // Attempt 2 runs at ~7.5 s and fails at ~9 s; the copy of attempt 1 is back at ~12 s (lease
  // 3 + 8 s, then the deferral's 1 s), while attempt 3 waits for its retry (~15 s): 3 s of slack
  // either side (a 12 s margin and 9 s backoff gave 4-5 s and took 24 s; the default margin, 46 s).
  const slowRetry = makeJob({
    task: slow.name,
    queue: Q,
    input: { ms: 1500, fail: true },
    maxAttempts: 3,
    backoff: { kind: 'fixed', baseMs: 6000, maxMs: 6000, jitter: false },
  });
  for (const j of [ok, bad, slowRetry]) await broker.publisher.publish(Q, j);
  await eventually(() => events.filter((e) => e.type === 'started').length === 3, 10_000);
  proxy.cut();
  // The redelivered copies find the runs' leases and wait behind them (deferred).
  await eventually(() => events.filter((e) => e.type === 'deferred').length === 3, 15_000);
  await eventually(async () => (await results.get(bad.id))?.state === 'failed', 15_000);
  expect((await results.get(ok.id))?.state).toBe('succeeded');
  // The deferred copies come back once the leases (timeout + 30 s from the start) are gone.
  await eventually(async () => (await results.get(slowRetry.id))?.state === 'failed', 70_000, 250);
  await eventually(() => events.filter((e) => e.type === 'skipped').length === 3, 10_000);
  await new Promise((r) => setTimeout(r, 1000));
  expect(runs.get(ok.id)).toBe(1);
  expect(runs.get(bad.id)).toBe(2); // attempts 1 and 2, none twice
  expect(runs.get(slowRetry.id)).toBe(3);
  const stale = events.find((e) => e.type === 'skipped' && e.job.id === slowRetry.id);
  expect(stale).toMatchObject({ attempt: 1, reason: 'not-owner' });
  const dead = await broker.peekDeadLetters(Q);
  expect(dead.map((d) => d.messageId)).toEqual([bad.id, slowRetry.id]);
  expect(dead[0]!.reason).toMatch(/^failed after 2 attempts: Error: boom \(attempt 2\)/);
  expect(dead[1]!.reason).toMatch(/^failed after 3 attempts: Error: boom \(attempt 3\)/);
  expect((await broker.checkQueue(Q)).messageCount).toBe(0);
  await worker.stop();
}, 120_000);
