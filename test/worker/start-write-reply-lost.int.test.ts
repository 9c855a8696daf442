import { randomInt } from 'node:crypto';
import { createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * The worker's write that starts a job applied by Redis, its reply late past the store's command
 * timeout (real RabbitMQ :5672, Redis :6379 behind a delaying proxy for the worker only). The
 * worker handed the message back; its copy found the job `running` under that write's lease (a
 * run that never began), was deferred the lease (timeout + 30 s), then took it for a dead
 * worker's run: WorkerLostError, the job failed (maxAttempts 1) without ever running.
 */
const RUN = `h66sw${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
let runs = 0;
const tasks = [
  defineTask({
    name: 'h66.start',
    queue: QUEUE,
    input: z.object({}),
    timeoutMs: 2000,
    handler: async () => ++runs,
  }),
];
const config = defineConfig({ queues: { [QUEUE]: { type: 'classic' } }, tasks });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let proxy: TcpProxy | undefined;
const redis = new Redis(REDIS_URL);

afterAll(async () => {
  await proxy?.close();
  await cleanUpRun(QUEUE, redis, `${RUN}:`);
});

it('a start write whose reply was lost does not leave the job behind a lease no run holds', async () => {
  proxy = await startTcpProxy(6379);
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
  await broker.connect();
  const direct = createRedisResultStore({ redis: REDIS_URL, prefix: `${RUN}:` });
  const results = createRedisResultStore({
    redis: `redis://127.0.0.1:${proxy.port}`,
    prefix: `${RUN}:`,
    redisOptions: { commandTimeout: 400 },
  });
  const producer = createProducer({
    config,
    publishers: new Map([['local', broker.publisher]]),
    results: direct,
  });
  const worker = createWorker({ config, consumer: broker.consumer, results, queues: [QUEUE] });
  try {
    await worker.start();
    await results.get('warm-up'); // the worker's connection is up before the delay
    proxy.delayMs = 300; // each way: the start write lands after 300 ms, past the worker's timeout
    const { response } = await producer.enqueue({ task: 'h66.start', input: {}, maxAttempts: 1 });
    let rec = await direct.get(response.id);
    for (let i = 0; i < 100 && rec?.state !== 'running'; i++) {
      await sleep(50);
      rec = await direct.get(response.id);
    }
    expect(rec?.state).toBe('running'); // applied; its reply is lost to the cut (or the timeout)
    // The reply is lost; fresh connections have no delay (a delay changed under open ones would
    // reorder bytes).
    proxy.cut();
    proxy.delayMs = 0;
    for (let i = 0; i < 150 && !['succeeded', 'failed'].includes(rec?.state ?? ''); i++) {
      await sleep(100);
      rec = await direct.get(response.id);
    }
    expect(rec).toMatchObject({ state: 'succeeded', result: 1, attempts: 1 });
    expect(runs).toBe(1);
  } finally {
    await worker.stop(2000).catch(() => {});
    await broker.close();
    await results.close();
    await direct.close();
  }
}, 40_000);
