import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import {
  createProducer,
  defineConfig,
  defineTask,
  type ExecutionEvent,
  type Producer,
  RetryAfterError,
} from '@warren/core';
import { createRedisResultStore, type TcpResultStore } from '@warren/results';
import { createWorker, type Worker } from '@warren/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun } from '../ingest/support';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';

/**
 * A job's record lost while it runs: a Redis without persistence restarted (or a failover to a
 * replica that had not got it, or an eviction under volatile-* maxmemory policies). The run's
 * outcome must still be recorded, not dropped with its delivery acked. Real RabbitMQ (:5672), a
 * private redis-server restarted mid-run.
 */
const RUN = `h55lost${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
let redis: PrivateRedis;
let started: () => void = () => {};
let release: () => void = () => {};
const gate = () =>
  new Promise<void>((r) => {
    release = r;
    started();
  });
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [
    defineTask({
      name: 'lost.ok',
      queue: QUEUE,
      input: z.unknown(),
      handler: async (x) => {
        await gate();
        return { echoed: x };
      },
    }),
    defineTask({
      name: 'lost.progress',
      queue: QUEUE,
      input: z.unknown(),
      retry: { maxAttempts: 1 },
      // Reports progress after the loss, and stops when told its job is no longer its own.
      handler: async (x, ctx) => {
        await gate();
        await ctx.progress({ half: true });
        ctx.signal.throwIfAborted();
        return { done: x };
      },
    }),
    defineTask({
      name: 'lost.retry',
      queue: QUEUE,
      input: z.unknown(),
      handler: async (x, ctx) => {
        if (ctx.attempt === 1) {
          await gate();
          throw new RetryAfterError('again', 200);
        }
        return { attempt: ctx.attempt, x };
      },
    }),
  ],
});

describe('a job whose record is lost while it runs (real RabbitMQ, private Redis restarted)', () => {
  let broker: AmqpBroker;
  let results: TcpResultStore;
  let producer: Producer;
  let worker: Worker;
  const events: ExecutionEvent[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis('record lost mid-run');
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    results = createRedisResultStore({ redis: redis.url, prefix: `${RUN}:` });
    producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    worker = createWorker({
      config,
      consumer: broker.consumer,
      results,
      queues: [QUEUE],
      onEvent: (e) => events.push(e),
    });
    await worker.start();
  }, 60_000);
  afterAll(async () => {
    await worker?.stop(2000).catch(() => {});
    await broker?.close();
    await results?.close();
    await cleanUpRun(QUEUE, undefined, '');
    await redis?.stop();
  });

  /** Enqueues `task`, restarts Redis (empty) once the run has started, then lets the run end. */
  async function runThroughRestart(task: string): Promise<string> {
    const running = new Promise<void>((r) => {
      started = r;
    });
    const { response } = await producer.enqueue({ task, input: 7 });
    await running;
    expect((await results.get(response.id))?.state).toBe('running');
    await redis.stop();
    await redis.start();
    // Reconnected (ioredis retries every ≤ 1 s; a command meanwhile fails fast).
    for (let i = 0; i < 50 && !(await results.redis.ping().then(Boolean, () => false)); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await results.get(response.id)).toBeUndefined();
    release();
    return response.id;
  }

  const settled = async (id: string) => {
    for (let i = 0; i < 100; i++) {
      const rec = await results.get(id).catch(() => undefined);
      if (rec && ['succeeded', 'failed'].includes(rec.state)) return rec;
      await new Promise((r) => setTimeout(r, 100));
    }
    return results.get(id);
  };

  it('a run that succeeds records its result', async () => {
    const id = await runThroughRestart('lost.ok');
    expect(await settled(id)).toMatchObject({ state: 'succeeded', result: { echoed: 7 }, task: 'lost.ok' });
  }, 30_000);

  it('a run that reports progress keeps its job (not aborted as taken over, then failed)', async () => {
    const id = await runThroughRestart('lost.progress');
    expect(await settled(id)).toMatchObject({
      state: 'succeeded',
      result: { done: 7 },
      progress: { half: true },
    });
  }, 30_000);

  it('a run that asks for a retry is retried, not dropped', async () => {
    const id = await runThroughRestart('lost.retry');
    expect(await settled(id)).toMatchObject({ state: 'succeeded', result: { attempt: 2, x: 7 } });
  }, 30_000);
});
