import { randomInt } from 'node:crypto';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, type ResultStore, RetryAfterError } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
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
 * A job cancelled while it waits for its run date stays cancelled until that date, on real
 * RabbitMQ (:5672) and Redis (:6379): its record must not expire before the job comes due, or
 * the worker finds no record then and runs it. Results live 1 s here (a day by default, against
 * delays of up to a year).
 */
const RUN = `cs${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const ran: string[] = [];
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  results: { ttlS: 1 },
  tasks: [
    defineTask({
      name: 'cs.job',
      queue: QUEUE,
      input: z.object({}),
      handler: (_i, ctx) => void ran.push(ctx.jobId),
    }),
    defineTask({
      name: 'cs.again',
      queue: QUEUE,
      input: z.object({}),
      resultTtlS: 1,
      handler: (_i, ctx) => {
        ran.push(`${ctx.jobId}/${ctx.attempt}`);
        if (ctx.attempt === 1) throw new RetryAfterError('later', 4000);
      },
    }),
  ],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Concurrent: each test is mostly a wait for its jobs' run dates; each checks only its own jobs.
describe.concurrent('cancelling a scheduled job', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let results: ResultStore;
  let worker: Worker;
  let app: ReturnType<typeof createIngestApp>;
  let direct: ReturnType<typeof createDirectClient>;

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    results = createRedisResultStore({ redis, prefix: `${RUN}:`, defaultTtlS: config.results.ttlS });
    const publishers = new Map([['local', broker.publisher]]);
    const producer = createProducer({ config, publishers, results });
    app = createIngestApp({ config, producer, results });
    direct = createDirectClient({ config, publishers, results });
    worker = createWorker({ config, consumer: broker.consumer, results, queues: [QUEUE] });
    await worker.start();
  }, 60_000);

  afterAll(async () => {
    await worker?.stop(2000).catch(() => {});
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  it('DELETE /v1/jobs/:id and the direct client: the job never runs', async () => {
    const post = await app.request('/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'cs.job', input: {}, delayMs: 4000 }),
    });
    expect(post.status).toBe(202);
    const viaHttp = ((await post.json()) as { id: string }).id;
    const viaDirect = (await direct.enqueue('cs.job', {}, { delayMs: 4000 })).id;
    expect((await app.request(`/v1/jobs/${viaHttp}`, { method: 'DELETE' })).status).toBe(200);
    expect(await direct.cancel(viaDirect)).toMatchObject({ state: 'cancelled' });
    await sleep(2500); // past the 1 s TTL, before the 4 s delay
    for (const id of [viaHttp, viaDirect])
      expect(await results.get(id)).toMatchObject({ state: 'cancelled' });
    await sleep(3500); // both came due
    expect(ran.filter((r) => r === viaHttp || r === viaDirect)).toEqual([]);
  }, 30_000);

  it('a job cancelled while it waits for its retry is not retried', async () => {
    const { id } = await direct.enqueue('cs.again', {});
    for (let i = 0; i < 50 && !ran.includes(`${id}/1`); i++) await sleep(100);
    await sleep(300);
    expect(await direct.cancel(id)).toMatchObject({ state: 'cancelled' });
    await sleep(5500); // past the retry's 4 s
    expect(ran.filter((r) => r.startsWith(id))).toEqual([`${id}/1`]);
  }, 30_000);
});
