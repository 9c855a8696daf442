import { randomInt } from 'node:crypto';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import {
  createProducer,
  defineConfig,
  defineTask,
  type Publisher,
  type ResultStore,
  TransportError,
} from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, drainQueue, REDIS_URL } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A publish whose confirm was lost (503) but whose message landed, on real RabbitMQ (:5672) and
 * Redis (:6379): a retry under the same Idempotency-Key must carry the same request, or two
 * different bodies would sit in the queue under one job id and the worker would run the first.
 */
const RUN = `ur${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'unconfirmed-retry-key-0123456789';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'ur.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

describe('retry after a lost confirm on real RabbitMQ + Redis', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let app: ReturnType<typeof createIngestApp>;
  let loseConfirm = true;

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    const results: ResultStore = createRedisResultStore({ redis, prefix: `${RUN}:` });
    // The message reaches the queue, then the confirm is lost, as when a connection drops.
    const lossy: Publisher = {
      publish: async (queue, job, opts) => {
        await broker.publisher.publish(queue, job, opts);
        if (loseConfirm) throw new TransportError('connection lost before the broker confirmed', true);
      },
      close: async () => {},
    };
    const producer = createProducer({ config, publishers: new Map([['local', lossy]]), results });
    app = createIngestApp({ config, producer, results });
  }, 60_000);

  afterAll(async () => {
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  const post = (input: unknown) =>
    app.request('/v1/jobs', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${KEY}`,
        'idempotency-key': 'k1',
      },
      body: JSON.stringify({ task: 'ur.echo', input }),
    });

  it('a retry with another input is a 422 naming idempotencyKey; the same input republishes the same id', async () => {
    expect((await post({ v: 'A', n: 1 })).status).toBe(503);
    loseConfirm = false;
    const other = await post({ v: 'B', n: 1 });
    expect(other.status).toBe(422);
    expect(((await other.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
      'idempotencyKey',
    ]);
    const same = await post({ n: 1, v: 'A' });
    expect(same.status).toBe(202);
    const { id } = (await same.json()) as { id: string };
    await new Promise((r) => setTimeout(r, 200)); // queue reads lag the confirm slightly
    const queued = await drainQueue(QUEUE);
    expect(queued.map((j) => [j.id, j.input])).toEqual([
      [id, { v: 'A', n: 1 }],
      [id, { n: 1, v: 'A' }],
    ]);
  });
});
