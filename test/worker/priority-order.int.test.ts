import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, RetryAfterError, uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, startNodeIngest } from '../ingest/support';

// Priorities end to end on a classic priority queue (RabbitMQ 3.10: quorum queues have none):
// through the ingest's validation, a backlog taken by a worker with prefetch 1, and a job's
// retry and delayed enqueue (their copies come back through the delay tiers).
const RUN = `prio-${uuidv7().slice(-8)}`;
const Q = `${RUN}.q`;
const PLAIN = `${RUN}.plain`;
const runs: { n: number; attempt: number }[] = [];

const work = defineTask({
  name: 'prio.work',
  queue: Q,
  input: z.object({ n: z.number(), flaky: z.boolean().optional() }),
  retry: { maxAttempts: 3 },
  handler: async ({ n, flaky }, ctx) => {
    runs.push({ n, attempt: ctx.attempt });
    if (flaky && ctx.attempt === 1) throw new RetryAfterError('first try fails', 300);
  },
});
const plain = defineTask({ name: 'prio.plain', queue: PLAIN, input: z.object({}), handler: async () => {} });
const config = defineConfig({
  queues: { [Q]: { type: 'classic', maxPriority: 9 }, [PLAIN]: {} },
  tasks: [work, plain],
});

let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
beforeAll(async () => {
  ingest = await startNodeIngest(config, RUN, Q);
});
afterAll(async () => {
  await ingest.close();
  await cleanUpRun(PLAIN, undefined, `${RUN}:`);
});

const post = (body: unknown) =>
  fetch(`${ingest.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const depth = async (queue: string): Promise<number> => {
  const c = await amqp.connect(AMQP_URL);
  const ch = await c.createChannel();
  const { messageCount } = await ch.checkQueue(queue);
  await c.close();
  return messageCount;
};

/** A worker with prefetch 1 over everything waiting in Q; resolves once `count` jobs ran. */
async function drain(count: number): Promise<void> {
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
  await broker.connect();
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results: ingest.results,
    queues: [Q],
    concurrency: 1,
  });
  await worker.start();
  await eventually(() => runs.length >= count, 20_000, 20);
  await worker.stop();
  await broker.close();
}

describe('priority', () => {
  it('is validated as a problem naming the field', async () => {
    for (const priority of [10, 256, -1, 1.5, '9']) {
      const res = await post({ task: work.name, input: { n: 0 }, priority });
      expect(res.status, String(priority)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const body = (await res.json()) as { errors?: { path: string }[] };
      expect(body.errors?.map((e) => e.path)).toContain('priority');
    }
    const none = await post({ task: plain.name, input: {}, priority: 1 });
    expect(none.status).toBe(422);
    expect(JSON.stringify(await none.json())).toMatch(/no priorities/);
  });

  it('a backlog of 200 low then 20 high jobs runs the high ones first (prefetch 1)', async () => {
    runs.length = 0;
    for (let n = 0; n < 200; n++)
      await ingest.producer.enqueue({ task: work.name, input: { n }, priority: 1 });
    for (let n = 1000; n < 1020; n++)
      await ingest.producer.enqueue({ task: work.name, input: { n }, priority: 9 });
    await drain(220);
    expect(runs.slice(0, 20).every((r) => r.n >= 1000)).toBe(true);
  }, 30_000);

  it("a job's retry and a delayed job keep their priority through the delay tiers", async () => {
    runs.length = 0;
    // Attempt 1 of the flaky high job fails; its retry (300 ms, via a tier) waits in Q meanwhile.
    await ingest.producer.enqueue({ task: work.name, input: { n: 2000, flaky: true }, priority: 9 });
    await drain(1);
    await ingest.producer.enqueue({ task: work.name, input: { n: 3000 }, priority: 9, delayMs: 300 });
    for (let n = 0; n < 30; n++)
      await ingest.producer.enqueue({ task: work.name, input: { n }, priority: 1 });
    await eventually(async () => (await depth(Q)) === 32, 10_000, 50);
    await new Promise((r) => setTimeout(r, 400)); // both copies due: none is held back
    await drain(33);
    expect(
      runs
        .slice(1, 3)
        .map((r) => r.n)
        .sort(),
    ).toEqual([2000, 3000]);
    expect(runs.find((r) => r.n === 2000 && r.attempt === 2)).toBeDefined();
  }, 30_000);
});
