import { randomInt } from 'node:crypto';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { AMQP_URL, cleanUpRun, drainQueue, REDIS_URL } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * `POST /v1/jobs/batch` with an `Idempotency-Key` header, on the Node ingest over real RabbitMQ
 * (:5672) and Redis (:6379): the key names the request, so sending the same batch again (a retry
 * after a lost answer) must not enqueue its jobs a second time.
 */
const RUN = `bh${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'batch-idem-header-key-012345678';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'bh.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

type Item = { status: number; job?: { id: string }; problem?: { errors?: { path: string }[] } };

describe('batch Idempotency-Key header on real RabbitMQ + Redis', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let server: Awaited<ReturnType<typeof serveNode>>;
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
  }, 60_000);

  afterAll(async () => {
    server?.close();
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  const postBatch = (jobs: unknown[], key: string) =>
    fetch(`${base}/v1/jobs/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, 'idempotency-key': key },
      body: JSON.stringify({ jobs }),
    });

  it('the same batch sent twice with one key: 202, then 200 with the same jobs; each published once', async () => {
    const jobs = [
      { task: 'bh.echo', input: 'a' },
      { task: 'bh.echo', input: 'b' },
      { task: 'bh.echo', input: 'c', idempotencyKey: `${RUN}-own` }, // an item's own key is kept
    ];
    const first = await postBatch(jobs, `${RUN}-batch-1`);
    expect(first.status).toBe(202);
    const a = ((await first.json()) as { results: Item[] }).results;
    const again = await postBatch(jobs, `${RUN}-batch-1`);
    const b = ((await again.json()) as { results: Item[] }).results;
    expect(b.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(b.map((r) => r.job?.id)).toEqual(a.map((r) => r.job?.id));
    await new Promise((r) => setTimeout(r, 200)); // queue reads lag the confirm slightly
    expect((await drainQueue(QUEUE)).map((j) => j.input).sort()).toEqual(['a', 'b', 'c']);
  });

  it('another key is another request; an item changed under the same key is a 422 naming it', async () => {
    const jobs = [{ task: 'bh.echo', input: 'x' }];
    expect((await postBatch(jobs, `${RUN}-batch-2`)).status).toBe(202);
    expect((await postBatch(jobs, `${RUN}-batch-3`)).status).toBe(202);
    const changed = await postBatch([{ task: 'bh.echo', input: 'y' }], `${RUN}-batch-2`);
    expect(changed.status).toBe(207);
    const [item] = ((await changed.json()) as { results: Item[] }).results;
    expect(item!.status).toBe(422);
    expect(item!.problem?.errors?.map((e) => e.path)).toEqual(['jobs.0.idempotencyKey']);
    await new Promise((r) => setTimeout(r, 200));
    expect((await drainQueue(QUEUE)).length).toBe(2);
  });

  it('a header too long to name each item is a 400 naming it', async () => {
    const res = await postBatch([{ task: 'bh.echo', input: 'z' }], 'k'.repeat(300));
    expect(res.status).toBe(400);
    const p = (await res.json()) as { errors: { path: string }[] };
    expect(p.errors.map((e) => e.path)).toEqual(['Idempotency-Key']);
  });
});
