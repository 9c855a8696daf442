import { randomInt } from 'node:crypto';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, type JobEnvelope, type ResultStore } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import { createDirectClient } from '@warren/sdk/direct';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, drainQueue, REDIS_URL } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * One idempotency key twice in one batch, on real RabbitMQ (:5672) and Redis (:6379): the later
 * item gets what a replay of the earlier one gets (200 with its job, or 422 when the request
 * differs), never the 409 "still being accepted" of its own batch, and the job is published once.
 */
const RUN = `bd${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'batch-duplicate-key-0123456789';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'bd.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

type Item = { status: number; job?: { id: string }; problem?: { errors?: { path: string }[] } };

describe('duplicate idempotency keys in one batch on real RabbitMQ + Redis', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let results: ResultStore;
  let app: ReturnType<typeof createIngestApp>;

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    app = createIngestApp({ config, producer, results });
  }, 60_000);

  afterAll(async () => {
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  /** Every message in the queue, taken off it. */
  async function drain(): Promise<JobEnvelope[]> {
    await new Promise((r) => setTimeout(r, 200)); // queue reads lag the confirm slightly
    return drainQueue(QUEUE);
  }

  /** Items 0, 1 and 4 share a key with one request, 2 reuses it for another, 3 is on its own. */
  const expectReplays = (out: Item[]) => {
    expect(out.map((r) => r.status)).toEqual([202, 200, 422, 202, 200]);
    expect(out[1]!.job!.id).toBe(out[0]!.job!.id);
    expect(out[4]!.job!.id).toBe(out[0]!.job!.id);
    expect(out[2]!.problem?.errors?.map((e) => e.path)).toEqual(['jobs.2.idempotencyKey']);
  };

  it('POST /v1/jobs/batch: 202, then 200 with the same job (same body) or 422 (other body); one publish', async () => {
    const k = `${RUN}-http`;
    const res = await app.request('/v1/jobs/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({
        jobs: [
          { task: 'bd.echo', input: { v: 'A', n: 1 }, idempotencyKey: k },
          { task: 'bd.echo', input: { n: 1, v: 'A' }, idempotencyKey: k },
          { task: 'bd.echo', input: { v: 'B' }, idempotencyKey: k },
          { task: 'bd.echo', input: { v: 'C' }, idempotencyKey: `${k}-other` },
          { task: 'bd.echo', input: { v: 'A', n: 1 }, idempotencyKey: k },
        ],
      }),
    });
    expect(res.status).toBe(207);
    const out = ((await res.json()) as { results: Item[] }).results;
    expectReplays(out);
    const queued = await drain();
    expect(queued.map((j) => j.input)).toEqual([{ v: 'A', n: 1 }, { v: 'C' }]);
  });

  it('@warren/sdk/direct enqueueMany answers alike and publishes once', async () => {
    const k = `${RUN}-direct`;
    const direct = createDirectClient({
      config,
      publishers: new Map([['local', broker.publisher]]),
      results,
    });
    const out = (await direct.enqueueMany([
      { task: 'bd.echo', input: 1, idempotencyKey: k },
      { task: 'bd.echo', input: 1, idempotencyKey: k },
      { task: 'bd.echo', input: 2, idempotencyKey: k },
      { task: 'bd.echo', input: 3 },
      { task: 'bd.echo', input: 1, idempotencyKey: k },
    ])) as Item[];
    expectReplays(out);
    const queued = await drain();
    expect(queued.map((j) => j.input).sort()).toEqual([1, 3]);
  });
});
