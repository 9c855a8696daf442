import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, type ResultStore } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { setMemoryWatermark } from '../support/rabbit-info';
import { RabbitHarness, type RabbitNode } from '../support/rabbit-nodes';
import { cleanUpRun } from './support';

/**
 * The ingest's HTTP contract on the Node adapter over real RabbitMQ (:5672) and real Redis
 * (:6379), every status code, plus a broker that stops confirming (an extra node on 28010 put
 * under a memory alarm, so it blocks publishers) → 503 within the publish timeout.
 */
const RUN = `rs${process.pid}${Date.now() % 100_000}`;
const KEY = 'real-stack-key-0123456789abcdef';
const MAIL_KEY = 'real-stack-mail-0123456789abcd';
const tasks = [
  defineTask({
    name: 'rs.add',
    queue: `${RUN}-work`,
    input: z.object({ a: z.number(), b: z.number() }),
    handler: async ({ a, b }) => {
      await new Promise((r) => setTimeout(r, 300));
      return a + b;
    },
  }),
  defineTask({ name: 'rs.full', queue: `${RUN}-full`, input: z.object({}), handler: () => 1 }),
  defineTask({
    name: 'email.send',
    queue: `${RUN}-work`,
    input: z.object({ to: z.email() }),
    handler: () => 1,
  }),
];
const config = defineConfig({
  queues: { [`${RUN}-work`]: {}, [`${RUN}-full`]: { maxLength: 2 } },
  auth: { keys: [{ key: KEY }, { key: MAIL_KEY, tasks: ['email.*'] }] },
  ingest: { bodyLimitBytes: 4096, publishTimeoutMs: 1500 },
  tasks,
});

async function serve(broker: AmqpBroker, results: ResultStore) {
  const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
  const app = createIngestApp({ config, producer, results });
  const port = await freePort();
  const server = await serveNode(app, port);
  return { server, base: `http://127.0.0.1:${port}` };
}

describe('ingest contract on real RabbitMQ + Redis (Node adapter)', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let results: ResultStore;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let base = '';
  let worker: ReturnType<typeof createWorker>;

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: ['amqp://guest:guest@127.0.0.1:5672'], queues: config.queues });
    await broker.connect();
    redis = new Redis('redis://127.0.0.1:6379');
    results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    ({ server, base } = await serve(broker, results));
    worker = createWorker({ config, consumer: broker.consumer, results, queues: [`${RUN}-work`] });
    await worker.start();
  }, 60_000);

  afterAll(async () => {
    await worker?.stop(2000);
    server?.close();
    await broker?.close();
    // Left on the shared broker, each run added four queues.
    for (const q of [`${RUN}-work`, `${RUN}-full`]) await cleanUpRun(q, undefined, '');
    const keys = await redis.keys(`${RUN}:*`);
    if (keys.length) await redis.del(...keys);
    redis?.disconnect();
  });

  const req = (path: string, init: RequestInit & { key?: string } = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(init.key === '' ? {} : { authorization: `Bearer ${init.key ?? KEY}` }),
        ...(init.headers as Record<string, string>),
      },
    });
  const post = (body: unknown, init: RequestInit & { key?: string } = {}) =>
    req('/v1/jobs', {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...init,
    });
  const problem = async (res: Response) => {
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    return (await res.json()) as { status: number; errors?: { path: string }[] };
  };

  it('202 after the confirm, the record in Redis with a TTL, the worker result through long-poll', async () => {
    const res = await post({ task: 'rs.add', input: { a: 2, b: 3 } });
    expect(res.status).toBe(202);
    const job = (await res.json()) as { id: string; state: string };
    expect(job.state).toBe('queued');
    expect(await redis.ttl(`${RUN}:job:${job.id}`)).toBeGreaterThan(0);
    const done = await req(`/v1/jobs/${job.id}?wait=10s`);
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ id: job.id, state: 'succeeded', result: 5, attempts: 1 });
  }, 20_000);

  it('200 + Idempotent-Replayed for a repeated key, published once', async () => {
    const key = `${RUN}-idem`;
    const a = await post({ task: 'rs.add', input: { a: 1, b: 1 } }, { headers: { 'idempotency-key': key } });
    const b = await post({ task: 'rs.add', input: { a: 1, b: 1 } }, { headers: { 'idempotency-key': key } });
    expect([a.status, b.status]).toEqual([202, 200]);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(((await b.json()) as { id: string }).id).toBe(((await a.json()) as { id: string }).id);
  });

  it('207 for a mixed batch, 202 for a clean one', async () => {
    const mixed = await req('/v1/jobs/batch', {
      method: 'POST',
      body: JSON.stringify({ jobs: [{ task: 'rs.add', input: { a: 1, b: 2 } }, { task: 'nope' }] }),
    });
    expect(mixed.status).toBe(207);
    const clean = await req('/v1/jobs/batch', {
      method: 'POST',
      body: JSON.stringify({
        jobs: Array.from({ length: 50 }, (_, i) => ({ task: 'rs.add', input: { a: i, b: 1 } })),
      }),
    });
    expect(clean.status).toBe(202);
  });

  it('400, 401, 403, 404, 413, 415, 422 as problem+json naming the field', async () => {
    const bad = await post({ task: 'rs.add', delayMs: -1, colour: 'red' });
    expect(bad.status).toBe(400);
    expect((await problem(bad)).errors!.map((e) => e.path).sort()).toEqual(['colour', 'delayMs']);
    expect((await post({ task: 'rs.add' }, { key: '' })).status).toBe(401);
    expect((await post({ task: 'rs.add' }, { key: 'wrong-key-0123456789abcdef' })).status).toBe(401);
    const forbidden = await post({ task: 'rs.add', input: { a: 1, b: 1 } }, { key: MAIL_KEY });
    expect(forbidden.status).toBe(403);
    await problem(forbidden);
    const missing = await req('/v1/jobs/0190a9b1-7c4d-7e2f-8a3b-123456789abc');
    expect(missing.status).toBe(404);
    await problem(missing);
    const big = await post({ task: 'rs.add', input: { a: 1, b: 1, pad: 'x'.repeat(8000) } });
    expect(big.status).toBe(413);
    await problem(big);
    const text = await post('task=rs.add', { headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    const unknown = await post({ task: 'rs.nope' });
    expect(unknown.status).toBe(422);
    const input = await problem(await post({ task: 'rs.add', input: { a: 'x', b: 1 } }));
    expect(input.status).toBe(422);
    expect(input.errors!.map((e) => e.path)).toContain('input.a');
  });

  it('409 when cancelling a finished job; DELETE cancels a scheduled one', async () => {
    const done = (await (await post({ task: 'rs.add', input: { a: 1, b: 1 } })).json()) as { id: string };
    await req(`/v1/jobs/${done.id}?wait=10s`);
    const conflict = await req(`/v1/jobs/${done.id}`, { method: 'DELETE' });
    expect(conflict.status).toBe(409);
    await problem(conflict);
    const later = (await (await post({ task: 'rs.add', input: { a: 1, b: 1 }, delayMs: 60_000 })).json()) as {
      id: string;
    };
    const cancel = await req(`/v1/jobs/${later.id}`, { method: 'DELETE' });
    expect(cancel.status).toBe(200);
    expect(((await (await req(`/v1/jobs/${later.id}`)).json()) as { state: string }).state).toBe('cancelled');
  }, 20_000);

  it('429 with Retry-After when the queue is full (x-overflow reject-publish)', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await post({ task: 'rs.full', input: {} });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        await problem(res);
      }
    }
    // A quorum queue applies its limit once it is reached, so the publish that reaches the limit
    // can still be accepted (3.10 lets the length go one over): 2-3 accepted, the rest refused.
    expect(statuses.slice(0, 2)).toEqual([202, 202]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});

describe('a broker that stops confirming (memory alarm on an extra node)', () => {
  const harness = new RabbitHarness();
  let node: RabbitNode;
  let broker: AmqpBroker;
  let redis: Redis;
  let results: ResultStore;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let base = '';

  beforeAll(async () => {
    [node] = (await harness.start([{ name: 'warren-alarm', port: 28010 }])) as [RabbitNode];
    broker = createAmqpBroker({ urls: [node.url], queues: config.queues, confirmTimeoutMs: 1500 });
    await broker.connect();
    redis = new Redis('redis://127.0.0.1:6379');
    results = createRedisResultStore({ redis, prefix: `${RUN}a:` });
    ({ server, base } = await serve(broker, results));
  }, 240_000); // may first wait for another file's node boot (rabbit-boot.ts)

  afterAll(async () => {
    server?.close();
    await broker?.close().catch(() => {});
    const keys = await redis.keys(`${RUN}a:*`);
    if (keys.length) await redis.del(...keys);
    redis?.disconnect();
    await harness.stopAll();
  }, 60_000);

  it('answers 503 with Retry-After within the publish timeout and records nothing; works again after', async () => {
    const post = () =>
      fetch(`${base}/v1/jobs`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${KEY}`,
          'idempotency-key': 'alarm-1',
        },
        body: JSON.stringify({ task: 'rs.add', input: { a: 1, b: 2 } }),
      });
    await setMemoryWatermark(node, '{absolute, 1}');
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = Date.now();
    const res = await post();
    const took = Date.now() - t0;
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(took).toBeLessThan(1500 + 1500);
    // Nothing half-recorded: no job hash. The key keeps the job's id (the publish may yet land),
    // so the retry below publishes that id again rather than a second job.
    expect(await redis.keys(`${RUN}a:job:*`)).toEqual([]);

    await setMemoryWatermark(node, '0.4');
    let again: Response | undefined;
    for (let i = 0; i < 20; i++) {
      again = await post();
      if (again.status === 202) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(again!.status).toBe(202);
    expect(again!.headers.get('idempotent-replayed')).toBeNull();
  }, 60_000);
});
