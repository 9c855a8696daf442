import { randomInt } from 'node:crypto';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { AMQP_URL, cleanUpRun, REDIS_URL } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A job delayed longer than its result TTL, on the Node ingest over real RabbitMQ (:5672, delay
 * tiers) and Redis (:6379). The TTL is how long a record lives after the job finishes
 * (`resultTtlS`), so until the job runs it must stay readable and cancellable, and its
 * idempotency key must keep answering with it.
 */
const RUN = `dt${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'delayed-ttl-key-0123456789abcdef';
const ran: unknown[] = [];
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  results: { ttlS: 2 },
  tasks: [
    defineTask({
      name: 'dt.echo',
      queue: QUEUE,
      input: z.unknown(),
      handler: (x) => {
        ran.push(x);
        return x;
      },
    }),
  ],
});

describe('a job delayed past its result TTL (real RabbitMQ + Redis)', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let worker: ReturnType<typeof createWorker>;
  let base = '';

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    const results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    const port = await freePort();
    server = await serveNode(createIngestApp({ config, producer, results }), port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    worker = createWorker({ config, consumer: broker.consumer, results, queues: [QUEUE] });
    await worker.start();
  }, 60_000);

  afterAll(async () => {
    await worker?.stop(2000);
    server?.close();
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('stays readable and cancellable until it is due, its key replays it, and a cancelled one never runs', async () => {
    const idem = { 'idempotency-key': `${RUN}-k` };
    const cancelled = await call('POST', '/v1/jobs', { task: 'dt.echo', input: 'cancel-me', delayMs: 5000 });
    const kept = await call('POST', '/v1/jobs', { task: 'dt.echo', input: 'keep-me', delayMs: 5000 }, idem);
    expect([cancelled.status, kept.status]).toEqual([202, 202]);
    const a = (await cancelled.json()) as { id: string };
    const b = (await kept.json()) as { id: string };

    await new Promise((r) => setTimeout(r, 3500)); // past the 2 s TTL, before the 5 s delay
    const read = await call('GET', `/v1/jobs/${a.id}`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { state: string }).state).toBe('scheduled');
    const del = await call('DELETE', `/v1/jobs/${a.id}`);
    expect(del.status).toBe(200);
    const again = await call('POST', '/v1/jobs', { task: 'dt.echo', input: 'keep-me', delayMs: 5000 }, idem);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(b.id);

    const done = await call('GET', `/v1/jobs/${b.id}?wait=15s`);
    expect(((await done.json()) as { state: string }).state).toBe('succeeded');
    await new Promise((r) => setTimeout(r, 500)); // the cancelled one came due with it
    expect(ran).toEqual(['keep-me']);
    expect(((await (await call('GET', `/v1/jobs/${a.id}`)).json()) as { state: string }).state).toBe(
      'cancelled',
    );
  }, 30_000);
});
