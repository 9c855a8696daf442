import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, type ResultStore } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';

/**
 * Bodies a client can send that used to get past the ingest's checks, on the Node adapter over
 * real RabbitMQ (:5672) and Redis (:6379): deep nesting, oversized batch items, reused keys.
 */
const RUN = `hb${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'hostile-bodies-key-0123456789ab';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  ingest: { bodyLimitBytes: 16_384 },
  tasks: [
    defineTask({ name: 'hb.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x }),
    defineTask({ name: 'hb.other', queue: QUEUE, input: z.unknown(), handler: (x) => x }),
  ],
});

describe('hostile bodies on real RabbitMQ + Redis (Node adapter)', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let base = '';

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: ['amqp://guest:guest@127.0.0.1:5672'], queues: config.queues });
    await broker.connect();
    redis = new Redis('redis://127.0.0.1:6379');
    const results: ResultStore = createRedisResultStore({ redis, prefix: `${RUN}:` });
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    const port = await freePort();
    server = await serveNode(createIngestApp({ config, producer, results }), port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    server?.close();
    await broker?.close();
    const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    const ch = await conn.createChannel();
    for (const q of [QUEUE, `${QUEUE}.dlq`]) await ch.deleteQueue(q).catch(() => {});
    await conn.close();
    const keys = await redis.keys(`${RUN}:*`);
    if (keys.length) await redis.del(...keys);
    redis?.disconnect();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, ...headers },
      body,
    });
  const depth = async () => (await broker.checkQueue(QUEUE)).messageCount;

  it('400, not 500, for input nested deeper than the publish can serialise (single and batch)', async () => {
    const deep = `${'['.repeat(6000)}${']'.repeat(6000)}`;
    const one = await post('/v1/jobs', `{"task":"hb.echo","input":${deep}}`);
    expect(one.status).toBe(400);
    expect(one.headers.get('content-type')).toBe('application/problem+json');
    expect(((await one.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('(body)');
    const batch = await post('/v1/jobs/batch', `{"jobs":[{"task":"hb.echo","input":${deep}}]}`);
    expect(batch.status).toBe(400);
    // Nesting a task may reasonably use is still accepted.
    const fine = await post('/v1/jobs', `{"task":"hb.echo","input":${'['.repeat(100)}${']'.repeat(100)}}`);
    expect(fine.status).toBe(202);
  });

  it('a batch item larger than the single-job body limit is a 413 item; the rest are published', async () => {
    const before = await depth();
    const res = await post(
      '/v1/jobs/batch',
      JSON.stringify({
        jobs: [
          { task: 'hb.echo', input: 'x'.repeat(20_000) },
          { task: 'hb.echo', input: 'small' },
        ],
      }),
    );
    expect(res.status).toBe(207);
    const { results } = (await res.json()) as {
      results: { status: number; problem?: { instance?: string; errors?: { path: string }[] } }[];
    };
    expect(results.map((r) => r.status)).toEqual([413, 202]);
    expect(results[0]!.problem).toMatchObject({ instance: '/v1/jobs/batch#0' });
    await new Promise((r) => setTimeout(r, 200)); // queue counts lag the confirm slightly
    expect((await depth()) - before).toBe(1);
  });
});
