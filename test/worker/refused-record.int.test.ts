import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, type ExecutionEvent, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createUpstashResultStore, serveRedisRest } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';

const RUN = `h61-rrec-${uuidv7().slice(-8)}`;
const redis = new Redis(REDIS_URL);

afterAll(async () => {
  await cleanUpRun(`${RUN}.q2`, undefined, '');
  await cleanUpRun(`${RUN}.q1`, redis, `${RUN}:`);
});

const setUp = async (q: string, token: string) => {
  const ran: unknown[] = [];
  const task = defineTask({
    name: 'rrec.t',
    input: z.unknown(),
    queue: q,
    handler: (input) => {
      ran.push(input);
      return 'ok';
    },
  });
  // Upstash refuses a request over 10 MB; this stand-in over 64 KiB, so the test stays small.
  const rest = await serveRedisRest({ port: 0, redisUrl: REDIS_URL, token: 't', maxRequestBytes: 64 * 1024 });
  const broker = createAmqpBroker({ urls: [AMQP_URL], healthIntervalMs: 0 });
  await broker.connect();
  const results = createUpstashResultStore({ url: rest.url, token, prefix: `${RUN}:` });
  const events: ExecutionEvent[] = [];
  const worker = createWorker({
    config: defineConfig({ tasks: [task] }),
    consumer: broker.consumer,
    results,
    onEvent: (e) => events.push(e),
  });
  const close = async () => {
    await worker.stop(1000);
    await broker.close();
    await results.close();
    await rest.close();
  };
  return { ran, rest, broker, results, worker, events, close };
};

// A message can reach a queue without the ingest's body limit (a direct producer, another
// language). One whose input is over the store's request limit was refused (413, not
// recoverable) at the first write of every delivery, before the run: the worker handed it back
// after a pause, again and again, never run, never dead-lettered, no record.
it('a job whose record the store refuses for good is dead-lettered with the reason, not handed back', async () => {
  const q = `${RUN}.q1`;
  const s = await setUp(q, 't');
  try {
    await s.worker.start();
    const big = makeJob({ task: 'rrec.t', queue: q, input: { blob: 'x'.repeat(100_000) } });
    const small = makeJob({ task: 'rrec.t', queue: q, input: { n: 1 } });
    await s.broker.publisher.publish(q, big);
    await s.broker.publisher.publish(q, small);
    // Failed once in a loaded CI run (15 s, no letter seen, not reproduced alone or under CPU
    // load): the wait is longer and its timeout says what the worker did.
    const dead = await eventually(async () => {
      const d = await s.broker.peekDeadLetters(q);
      return d.length > 0 ? d : undefined;
    }, 30_000).catch((err: Error) => {
      const seen = s.events.map((e) => `${e.type}:${'job' in e ? e.job.id.slice(-4) : ''}`);
      throw new Error(`${err.message}; worker events: ${seen.join(' ') || 'none'}`);
    });
    // A redelivery dead-letters again (see settle-delivery.ts's deadLetterAgain): only big's copies.
    expect(dead.map((d) => d.messageId)).toEqual(dead.map(() => big.id));
    expect(dead[0]!.reason).toMatch(/refused by the result store.*max request size exceeded/);
    const rec = await s.results.get(big.id);
    expect(rec).toMatchObject({ state: 'failed', task: 'rrec.t' });
    expect(rec!.error).toMatchObject({ type: 'RecordNotStored', retryable: false });
    expect(rec!.input).toBeUndefined(); // what the store refused is not in the record
    await eventually(async () => (await s.results.get(small.id))?.state === 'succeeded', 10_000);
    expect(s.ran).toEqual([{ n: 1 }]);
    expect((await s.broker.checkQueue(q)).messageCount).toBe(0);
    expect(s.events.filter((e) => e.type === 'failed').length).toBeGreaterThanOrEqual(1);
  } finally {
    await s.close();
  }
}, 45_000);

// A store that refuses every write (a wrong token here; NOPERM alike) is not about any one job:
// its deliveries go back to the queue, none is dead-lettered.
it('a store that refuses every job still hands the deliveries back', async () => {
  const q = `${RUN}.q2`;
  const s = await setUp(q, 'not-the-token');
  const job = makeJob({ task: 'rrec.t', queue: q, input: { n: 2 } });
  try {
    await s.worker.start();
    await s.broker.publisher.publish(q, job);
    await new Promise((r) => setTimeout(r, 2500));
  } finally {
    await s.close();
  }
  const broker = createAmqpBroker({ urls: [AMQP_URL], healthIntervalMs: 0 });
  await broker.connect();
  try {
    expect(await broker.peekDeadLetters(q)).toHaveLength(0);
    expect((await broker.checkQueue(q)).messageCount).toBe(1);
    expect(s.ran).toEqual([]);
  } finally {
    await broker.close();
  }
}, 30_000);
