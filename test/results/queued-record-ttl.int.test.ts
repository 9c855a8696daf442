import { randomInt } from 'node:crypto';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';
import { freePort } from '../support/ports';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * `results.ttlS` is how long a record lives after its job finishes: a job still waiting in its
 * queue (a backlog, no worker up yet) must stay readable and cancellable however short it is,
 * and a cancelled one must not run once its worker comes. On the Node ingest over real RabbitMQ
 * (:5672) and Redis (:6379).
 */
const RUN = `h55q${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'queued-ttl-key-0123456789abcdef';
const ran: unknown[] = [];
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  results: { ttlS: 2 },
  tasks: [
    defineTask({
      name: 'qt.echo',
      queue: QUEUE,
      input: z.unknown(),
      handler: (x) => {
        ran.push(x);
        return x;
      },
    }),
  ],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('jobs waiting in their queue longer than the result TTL (real RabbitMQ + Redis)', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let worker: ReturnType<typeof createWorker> | undefined;
  let base = '';
  const results = () => createRedisResultStore({ redis, prefix: `${RUN}:` });

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    const store = results();
    const producer = createProducer({
      config,
      publishers: new Map([['local', broker.publisher]]),
      results: store,
    });
    const port = await freePort();
    server = await serveNode(createIngestApp({ config, producer, results: store }), port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(async () => {
    await worker?.stop(2000);
    server?.close();
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { id: string; state: string } };
  };

  it('stay readable and cancellable, and a cancelled one does not run when a worker comes', async () => {
    const kept = await call('POST', '/v1/jobs', { task: 'qt.echo', input: 'keep-me' });
    const cancelled = await call('POST', '/v1/jobs', { task: 'qt.echo', input: 'cancel-me' });
    expect([kept.status, cancelled.status]).toEqual([202, 202]);
    // Bounded all the same: a message lost with its queue must not leave a record for good.
    const ttl = await redis.ttl(`${RUN}:job:${kept.body.id}`);
    expect(ttl).toBeGreaterThan(2);
    expect(ttl).toBeLessThanOrEqual(86_400);

    await sleep(3_000); // past the 2 s TTL: no worker, both still in the queue
    expect(await call('GET', `/v1/jobs/${kept.body.id}`)).toMatchObject({
      status: 200,
      body: { state: 'queued' },
    });
    const del = await call('DELETE', `/v1/jobs/${cancelled.body.id}`);
    expect(del).toMatchObject({ status: 200, body: { state: 'cancelled' } });

    await sleep(3_000); // past the 2 s TTL again, from the cancel
    expect(await call('GET', `/v1/jobs/${cancelled.body.id}`)).toMatchObject({
      body: { state: 'cancelled' },
    });
    worker = createWorker({ config, consumer: broker.consumer, results: results(), queues: [QUEUE] });
    await worker.start();
    const done = await call('GET', `/v1/jobs/${kept.body.id}?wait=15s`);
    expect(done.body.state).toBe('succeeded');
    await sleep(500); // the cancelled one was ahead of it in the queue
    expect(ran).toEqual(['keep-me']);
  }, 40_000);
});
