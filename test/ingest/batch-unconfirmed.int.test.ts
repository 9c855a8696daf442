import { randomInt } from 'node:crypto';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AmqpFrameProxy, startAmqpFrameProxy } from '../../packages/amqp/src/testing/amqp-frame-proxy';
import { freePort } from '../support/ports';
import { cleanUpRun, drainQueue, REDIS_URL } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * POST /v1/jobs/batch while the broker stops confirming (issue #5: 503 within the publish timeout,
 * nothing half-recorded), on the Node ingest over real RabbitMQ (:5672, through a frame proxy that
 * swallows the broker's basic.ack/nack: the messages land, no confirm comes) and Redis (:6379).
 * Each unconfirmed item is its own 503 problem, none has a record, and the same batch sent again
 * once confirms flow enqueues each job under the id its first try may have landed with.
 */
const RUN = `bu${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'batch-unconfirmed-key-0123456789';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  ingest: { publishTimeoutMs: 1500 },
  tasks: [defineTask({ name: 'bu.echo', queue: QUEUE, input: z.number(), handler: (x) => x })],
});

type Item = { status: number; job?: { id: string }; problem?: { type: string; instance?: string } };

describe('a batch while the broker stops confirming (real RabbitMQ + Redis, Node adapter)', () => {
  let frames: AmqpFrameProxy;
  let broker: AmqpBroker;
  let redis: Redis;
  let server: Awaited<ReturnType<typeof serveNode>> | undefined;
  let url = '';
  let confirming = true;

  beforeAll(async () => {
    frames = await startAmqpFrameProxy(5672);
    // basic.ack (60/80) and basic.nack (60/120) from the broker, while it is not confirming.
    frames.drop = (f) =>
      !confirming &&
      f.from === 'server' &&
      f.type === 1 &&
      f.classId === 60 &&
      (f.methodId === 80 || f.methodId === 120);
    broker = createAmqpBroker({ urls: [frames.url], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    const results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    const port = await freePort();
    server = await serveNode(createIngestApp({ config, producer, results }), port, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    server?.close();
    await broker?.close().catch(() => {});
    await frames?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  /** 10 jobs with keys of their own, and item 3 for a task that does not exist (a 422 either way). */
  const batch = () =>
    fetch(`${url}/v1/jobs/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({
        jobs: Array.from({ length: 10 }, (_, i) => ({
          task: i === 3 ? 'bu.nope' : 'bu.echo',
          input: i,
          idempotencyKey: `${RUN}-k${i}`,
        })),
      }),
    });
  const records = async () => (await redis.keys(`${RUN}:job:*`)).length;

  it('answers each item 503 (207 with Retry-After) within the publish timeout, records none, and the retry enqueues each job once', async () => {
    confirming = false;
    const res = await batch();
    expect(res.status).toBe(207);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const { results } = (await res.json()) as { results: Item[] };
    expect(results.map((r) => r.status)).toEqual([503, 503, 503, 422, 503, 503, 503, 503, 503, 503]);
    expect(results[0]!.problem).toMatchObject({
      type: 'https://warren.dev/problems/unavailable',
      instance: '/v1/jobs/batch#0',
    });
    // Nothing half-recorded: no job record for an item answered 503.
    expect(await records()).toBe(0);

    confirming = true;
    let again: Item[] = [];
    for (let i = 0; i < 20; i++) {
      again = ((await (await batch()).json()) as { results: Item[] }).results;
      if (again.every((r, k) => (k === 3 ? r.status === 422 : r.status === 202))) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(again.map((r) => r.status)).toEqual([202, 202, 202, 422, 202, 202, 202, 202, 202, 202]);
    const ids = again.filter((r) => r.job).map((r) => r.job!.id);
    expect(await records()).toBe(9);
    // The unconfirmed tries landed too (the first, and a retry cut by the publisher dropping the
    // silent connection): under the same ids, which a worker runs once each. No other job.
    await new Promise((r) => setTimeout(r, 200)); // queue reads lag the confirm slightly
    const queued = await drainQueue(QUEUE);
    expect(new Set(queued.map((j) => j.id))).toEqual(new Set(ids));
    expect(queued.length).toBeGreaterThanOrEqual(18);
  });
});
