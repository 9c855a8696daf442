import { randomInt } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, type ResultStore } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * Bodies a client can send that used to get past the ingest's checks, on the Node adapter over
 * real RabbitMQ (:5672) and Redis (:6379): deep nesting, oversized batch items, reused keys.
 */
const RUN = `hb${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'hostile-bodies-key-0123456789ab';
const config = defineConfig({
  queues: { [QUEUE]: {}, [`${RUN}-alt`]: {} },
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
    for (const q of [QUEUE, `${QUEUE}.dlq`, `${RUN}-alt`, `${RUN}-alt.dlq`])
      await ch.deleteQueue(q).catch(() => {});
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
    // The item as a whole is what is too large: its problem names it, as other items' name fields.
    expect(results[0]!.problem?.errors).toEqual([
      { path: 'jobs.0', message: expect.stringMatching(/over the \d+-byte limit of one job/) },
    ]);
    await new Promise((r) => setTimeout(r, 200)); // queue counts lag the confirm slightly
    expect((await depth()) - before).toBe(1);
  });

  it('an idempotency key reused for a different task or input is a 422, not a replay of the other job', async () => {
    const key = `${RUN}-reused`;
    const first = await post('/v1/jobs', JSON.stringify({ task: 'hb.echo', input: { a: 1, b: [2, 3] } }), {
      'idempotency-key': key,
    });
    expect(first.status).toBe(202);
    const before = await depth();
    // The same request again, its object keys in another order: the replay.
    const same = await post('/v1/jobs', JSON.stringify({ input: { b: [2, 3], a: 1 }, task: 'hb.echo' }), {
      'idempotency-key': key,
    });
    expect(same.status).toBe(200);
    expect(same.headers.get('idempotent-replayed')).toBe('true');
    for (const body of [
      { task: 'hb.other', input: { a: 1, b: [2, 3] } },
      { task: 'hb.echo', input: { a: 1, b: [3, 2] } },
      { task: 'hb.echo', input: { a: 1, b: [2, 3] }, queue: `${RUN}-alt` },
    ]) {
      const res = await post('/v1/jobs', JSON.stringify({ ...body, idempotencyKey: key }));
      expect(res.status, JSON.stringify(body)).toBe(422);
      const p = (await res.json()) as { errors: { path: string }[] };
      expect(p.errors.map((e) => e.path)).toEqual(['idempotencyKey']);
      expect(JSON.stringify(p)).not.toContain(((await first.clone().json()) as { id: string }).id);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(await depth()).toBe(before);
  });

  it('400 when the Idempotency-Key header and the body name different keys', async () => {
    const res = await post('/v1/jobs', JSON.stringify({ task: 'hb.echo', idempotencyKey: `${RUN}-body` }), {
      'idempotency-key': `${RUN}-header`,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('idempotencyKey');
  });

  it('400, not a job without idempotency, for an empty Idempotency-Key header (single and batch)', async () => {
    const before = await depth();
    const one = await post('/v1/jobs', JSON.stringify({ task: 'hb.echo', input: 1 }), {
      'idempotency-key': '',
    });
    expect(one.status).toBe(400);
    expect(((await one.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('Idempotency-Key');
    const batch = await post('/v1/jobs/batch', JSON.stringify({ jobs: [{ task: 'hb.echo', input: 1 }] }), {
      'idempotency-key': '',
    });
    expect(batch.status).toBe(400);
    expect(((await batch.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('Idempotency-Key');
    await new Promise((r) => setTimeout(r, 200));
    expect(await depth()).toBe(before);
  });

  it('415, not a 400 about UTF-8, for a compressed body (Content-Encoding gzip), with Accept-Encoding', async () => {
    const before = await depth();
    const res = await fetch(`${base}/v1/jobs`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        authorization: `Bearer ${KEY}`,
      },
      body: gzipSync(JSON.stringify({ task: 'hb.echo', input: 1 })),
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('accept-encoding')).toBe('identity');
    await new Promise((r) => setTimeout(r, 200));
    expect(await depth()).toBe(before);
  });
});
