import { randomInt } from 'node:crypto';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, type ResultStore } from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { createDirectClient } from '@warren/sdk/direct';
import { createWorker, type Worker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * Cancel races on real RabbitMQ (:5672) and Redis (:6379): a job cancelled while its run (which
 * ignores ctx.signal) goes on and then throws a retryable error is not run again and stays
 * cancelled; jobs cancelled right after enqueue, as the worker takes them, end cancelled and
 * never succeed over it; a key reused after a cancel replays the cancelled job.
 */
const RUN = `crp${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const ran: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [
    defineTask({
      name: 'crp.slowfail',
      queue: QUEUE,
      input: z.object({}),
      retry: { maxAttempts: 3, backoff: { kind: 'fixed', baseMs: 300 } },
      handler: async (_i, ctx) => {
        ran.push(`${ctx.jobId}/${ctx.attempt}`);
        await sleep(800);
        throw new Error('boom');
      },
    }),
    defineTask({
      name: 'crp.quick',
      queue: QUEUE,
      input: z.object({ n: z.number() }),
      handler: (i, ctx) => {
        ran.push(ctx.jobId);
        return i.n;
      },
    }),
  ],
});

describe('cancel races', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let results: ResultStore;
  let worker: Worker;
  let direct: ReturnType<typeof createDirectClient>;

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    const publishers = new Map([['local', broker.publisher]]);
    createProducer({ config, publishers, results });
    direct = createDirectClient({ config, publishers, results });
    worker = createWorker({ config, consumer: broker.consumer, results, queues: [QUEUE] });
    await worker.start();
  }, 60_000);

  afterAll(async () => {
    await worker?.stop(2000).catch(() => {});
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  it('cancelled mid-run, the run then throws: not retried, stays cancelled', async () => {
    const { id } = await direct.enqueue('crp.slowfail', {});
    for (let i = 0; i < 200 && !ran.includes(`${id}/1`); i++) await sleep(50);
    expect(ran).toContain(`${id}/1`); // running (800 ms) when the cancel comes
    const waiting = direct.wait(id, { timeoutMs: 5000 });
    expect(await direct.cancel(id)).toMatchObject({ state: 'cancelled' });
    expect((await waiting).state).toBe('cancelled');
    await sleep(2000);
    expect(ran.filter((r) => r.startsWith(id))).toEqual([`${id}/1`]);
    expect(await results.get(id)).toMatchObject({ state: 'cancelled' });
  }, 20_000);

  it('cancelled as the worker takes them: each ends cancelled or ran before; a reused key replays', async () => {
    const jobs = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        direct.enqueue('crp.quick', { n }, { idempotencyKey: `${RUN}-q${n}` }),
      ),
    );
    const answers = await Promise.all(
      jobs.map((j) =>
        direct.cancel(j.id).then(
          (r) => r.state,
          (e) => e.status,
        ),
      ),
    );
    await sleep(1500);
    for (const [i, j] of jobs.entries()) {
      const rec = await results.get(j.id);
      if (answers[i] === 'cancelled') expect(rec?.state, j.id).toBe('cancelled');
      else expect([answers[i], rec?.state]).toEqual([409, 'succeeded']);
      const again = await direct.enqueue('crp.quick', { n: i }, { idempotencyKey: `${RUN}-q${i}` });
      expect(again.id).toBe(j.id);
    }
  }, 20_000);
});
