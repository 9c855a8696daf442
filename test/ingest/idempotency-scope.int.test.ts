import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * Idempotency keys belong to the API key that sent them (Stripe, QStash): on the Node ingest over
 * real RabbitMQ (:5672) and Redis (:6379), client B sending the key client A used gets a job of its
 * own, not A's job (a 200 replay naming A's id, which B's key could then read) nor a 422 telling B
 * that A sent such a request. A's own retries still replay, also through another ingest instance
 * (a config loaded afresh: the scope derives from the key, not from the process).
 */
const RUN = `is${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const A = 'client-a-key-0123456789abcdef';
const B = 'client-b-key-0123456789abcdef';
const makeConfig = (keys: { key: string; tasks: string[] }[]) =>
  defineConfig({
    queues: { [QUEUE]: {} },
    auth: { keys },
    tasks: ['shared.echo', 'a.secret', 'b.echo'].map((name) =>
      defineTask({ name, queue: QUEUE, input: z.unknown(), handler: (x) => x }),
    ),
  });
const keys = [
  { key: A, tasks: ['shared.*', 'a.*'] },
  { key: B, tasks: ['shared.*', 'b.*'] },
];
const config = makeConfig(keys);

type Body = { id?: string; idempotencyKey?: string; results?: Body[]; job?: { id: string }; status?: number };
type Answer = { status: number; body: Body };

describe('idempotency keys scoped by API key, on real RabbitMQ + Redis', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
  }, 60_000);
  afterAll(async () => ingest?.close());

  const call = async (key: string, method: string, path: string, body?: unknown, idem?: string) => {
    const res = await fetch(`${ingest.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        ...(idem ? { 'idempotency-key': idem } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() } as Answer;
  };

  it('POST /v1/jobs: B reusing A’s key gets its own job; A’s retry replays, on another instance too', async () => {
    const job = { task: 'shared.echo', input: { card: '4242' } };
    const a = await call(A, 'POST', '/v1/jobs', job, 'order-1');
    expect(a.status).toBe(202);
    const b = await call(B, 'POST', '/v1/jobs', job, 'order-1');
    expect(b.status, JSON.stringify(b.body)).toBe(202);
    expect(b.body.id).not.toBe(a.body.id);
    // Another request under A's key, from B: no 422 naming A's use of it.
    const other = await call(B, 'POST', '/v1/jobs', { task: 'b.echo', input: 1 }, 'secret-op');
    await call(A, 'POST', '/v1/jobs', { task: 'a.secret', input: 1 }, 'secret-op-2');
    expect(other.status).toBe(202);
    const aOnly = await call(A, 'POST', '/v1/jobs', { task: 'a.secret', input: 2 }, 'secret-op');
    expect(aOnly.status).toBe(202);

    const again = await call(A, 'POST', '/v1/jobs', job, 'order-1');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(a.body.id);
    // Each reads its own job with the key it sent.
    const readA = await call(A, 'GET', `/v1/jobs/${a.body.id}`);
    expect(readA.body.idempotencyKey).toBe('order-1');
    // Redis holds a digest of the API key, never the key itself.
    const stored = (await ingest.redis.keys(`${RUN}:idem:*`)).join(' ');
    expect(stored).toMatch(/idem:ak_[\w-]{16}:order-1/);
    expect(stored).not.toContain(A);
    // A second ingest instance (config loaded afresh) replays A's job for A.
    const second = createIngestApp({
      config: makeConfig(keys),
      producer: ingest.producer,
      results: ingest.results,
    });
    const res = await second.request('/v1/jobs', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${A}`,
        'content-type': 'application/json',
        'idempotency-key': 'order-1',
      },
      body: JSON.stringify(job),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(a.body.id);
  });

  it('POST /v1/jobs/batch: the same header and items from B enqueue B’s own jobs', async () => {
    const jobs = [{ task: 'shared.echo', input: 'x' }];
    const a = await call(A, 'POST', '/v1/jobs/batch', { jobs }, 'batch-1');
    const b = await call(B, 'POST', '/v1/jobs/batch', { jobs }, 'batch-1');
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.body.results?.[0]?.job?.id).not.toBe(a.body.results?.[0]?.job?.id);
    const again = await call(A, 'POST', '/v1/jobs/batch', { jobs }, 'batch-1');
    expect(again.body.results?.[0]).toMatchObject({ status: 200, job: { id: a.body.results?.[0]?.job?.id } });
  });

  it('an open ingest (no keys) still replays a key', async () => {
    const open = createIngestApp({
      config: makeConfig([]),
      producer: ingest.producer,
      results: ingest.results,
    });
    const post = () =>
      open.request('/v1/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'open-1' },
        body: JSON.stringify({ task: 'b.echo', input: 3 }),
      });
    const first = await post();
    const second = await post();
    expect([first.status, second.status]).toEqual([202, 200]);
  });
});
