import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, type ExecutionEvent } from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun } from '../ingest/support';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';

/**
 * Redis out for ~1 s while a task reports its progress (real RabbitMQ :5672, a private
 * redis-server with AOF so the outage loses nothing). ctx.progress() threw the store's error
 * into the task: the attempt failed (maxAttempts 1: the job failed) though its lease, taken for
 * the whole timeout, still held and Redis was back before the task ended.
 */
const RUN = `h66pg${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const dir = mkdtempSync(join(tmpdir(), 'warren-h66p-'));
let redis: PrivateRedis | undefined;
let runs = 0;
const tasks = [
  defineTask({
    name: 'h66.progress',
    queue: QUEUE,
    input: z.object({}),
    timeoutMs: 5000,
    handler: async (_input, ctx) => {
      runs++;
      await ctx.progress({ pct: 10 });
      await redis!.stop(); // Redis goes away mid-run...
      const back = new Promise((r) => setTimeout(r, 1000)).then(() => redis!.start()); // ...for ~1 s
      await ctx.progress({ pct: 50 }); // a report then is lost, not the run
      await back;
      return { done: runs };
    },
  }),
];
const config = defineConfig({ queues: { [QUEUE]: { type: 'classic' } }, tasks });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('a progress report refused by a brief Redis outage does not fail the run', async () => {
  redis = await startPrivateRedis('h66 result write outage', {
    args: ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir],
  });
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
  await broker.connect();
  const results = createRedisResultStore({ redis: redis.url, prefix: `${RUN}:` });
  const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
  const events: ExecutionEvent[] = [];
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results,
    queues: [QUEUE],
    onEvent: (e) => events.push(e),
  });
  try {
    await worker.start();
    const { response } = await producer.enqueue({ task: 'h66.progress', input: {}, maxAttempts: 1 });
    let rec = await results.get(response.id).catch(() => undefined);
    for (let i = 0; i < 150 && !['succeeded', 'failed'].includes(rec?.state ?? ''); i++) {
      await sleep(100);
      rec = await results.get(response.id).catch(() => undefined);
    }
    expect(rec).toMatchObject({ state: 'succeeded', result: { done: 1 }, attempts: 1 });
    expect(runs).toBe(1);
    expect(events.filter((e) => e.type === 'succeeded')).toHaveLength(1);
  } finally {
    await worker.stop(2000).catch(() => {});
    await broker.close();
    await results.close();
    await cleanUpRun(QUEUE, undefined, `${RUN}:`);
  }
}, 40_000);
