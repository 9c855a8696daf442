import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAmqpBroker } from '@warren/amqp';
import {
  createProducer,
  defineConfig,
  defineTask,
  type ExecutionEvent,
  NonRetriableError,
} from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun } from '../ingest/support';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';

/**
 * Redis out for ~1.5 s just as a task fails for good (NonRetriableError; real RabbitMQ :5672, a
 * private redis-server with AOF so the outage loses nothing). The `failed` write threw, the
 * worker handed the message back, its copy was deferred behind the run's own lease (timeout +
 * 30 s) and then failed the job as a dead worker's run: the record said WorkerLostError, the
 * task's own error was lost.
 */
const RUN = `h66fw${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const dir = mkdtempSync(join(tmpdir(), 'warren-h66f-'));
let redis: PrivateRedis | undefined;
let runs = 0;
const tasks = [
  defineTask({
    name: 'h66.fails',
    queue: QUEUE,
    input: z.object({}),
    timeoutMs: 2000,
    handler: async () => {
      runs++;
      await redis!.stop(); // Redis goes away just as the run ends...
      setTimeout(() => void redis!.start(), 1500); // ...and is back 1.5 s later
      throw new NonRetriableError('the order is void');
    },
  }),
];
const config = defineConfig({ queues: { [QUEUE]: { type: 'classic' } }, tasks });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('a failure write refused by a brief Redis outage keeps the task error once Redis is back, not a lost worker', async () => {
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
    const { response } = await producer.enqueue({ task: 'h66.fails', input: {}, maxAttempts: 1 });
    let rec = await results.get(response.id).catch(() => undefined);
    for (let i = 0; i < 150 && !['succeeded', 'failed'].includes(rec?.state ?? ''); i++) {
      await sleep(100);
      rec = await results.get(response.id).catch(() => undefined);
    }
    expect(rec).toMatchObject({
      state: 'failed',
      error: { type: 'NonRetriableError', message: 'the order is void' },
      attempts: 1,
    });
    expect(runs).toBe(1);
    expect(events.filter((e) => e.type === 'failed')).toHaveLength(1);
  } finally {
    await worker.stop(2000).catch(() => {});
    await broker.close();
    await results.close();
    await cleanUpRun(QUEUE, undefined, `${RUN}:`);
  }
}, 40_000);
