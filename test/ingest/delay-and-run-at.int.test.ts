import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { createDirectClient } from '@warren/sdk/direct';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * `delayMs` and `runAt` say the same thing two ways: a body with both is a 400 naming both, not
 * one of them silently ignored. On the Node ingest over real RabbitMQ (:5672) and Redis (:6379),
 * and through @warren/sdk/direct, which validates as the ingest does.
 */
const RUN = `dr${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'delay-and-run-at-0123456789abc';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'dr.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

type Problem = { status: number; errors?: { path: string }[] };
const paths = (p: Problem | undefined) => p?.errors?.map((e) => e.path).sort();

describe('delayMs with runAt on real RabbitMQ + Redis', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
  }, 60_000);
  afterAll(async () => ingest?.close());

  const post = (path: string, body: unknown) =>
    fetch(`${ingest.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify(body),
    });
  // Short: the accepted ones wait in the shared delay tiers, then dead-letter into the deleted queue.
  const both = { delayMs: 1000, runAt: new Date(Date.now() + 2000).toISOString() };

  it('POST /v1/jobs: 400 naming delayMs and runAt; nothing published', async () => {
    const res = await post('/v1/jobs', { task: 'dr.echo', input: 1, ...both });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(paths((await res.json()) as Problem)).toEqual(['delayMs', 'runAt']);
    // Either alone is still a scheduled job.
    expect((await post('/v1/jobs', { task: 'dr.echo', input: 2, delayMs: 1000 })).status).toBe(202);
    expect((await post('/v1/jobs', { task: 'dr.echo', input: 3, runAt: both.runAt })).status).toBe(202);
  });

  it('POST /v1/jobs/batch: that item is a 400 naming jobs.<index>.delayMs and .runAt', async () => {
    const res = await post('/v1/jobs/batch', {
      jobs: [
        { task: 'dr.echo', input: 4 },
        { task: 'dr.echo', input: 5, ...both },
      ],
    });
    expect(res.status).toBe(207);
    const { results } = (await res.json()) as { results: { status: number; problem?: Problem }[] };
    expect(results.map((r) => r.status)).toEqual([202, 400]);
    expect(paths(results[1]!.problem)).toEqual(['jobs.1.delayMs', 'jobs.1.runAt']);
  });

  it('@warren/sdk/direct enqueue: the same 400', async () => {
    const direct = createDirectClient({ config, publishers: ingest.publishers, results: ingest.results });
    // The SDK's options type refuses both at compile time; a JavaScript caller can still send them.
    const options = { ...both } as { delayMs: number };
    const err = await direct.enqueue('dr.echo', 6, options).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400 });
    expect(paths((err as { problem: Problem }).problem)).toEqual(['delayMs', 'runAt']);
    // Only the jobs given one of the two were accepted (each has its record).
    const records = await ingest.redis.keys(`${RUN}:job:*`);
    const inputs = await Promise.all(records.map((k) => ingest.redis.hget(k, 'input')));
    expect(inputs.map(Number).sort()).toEqual([2, 3, 4]);
  });
});
