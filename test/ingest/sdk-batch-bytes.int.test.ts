import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { createClient } from '@warren/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { drainQueue, startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * The SDK's enqueueMany against a real ingest (Node adapter, RabbitMQ :5672, Redis :6379) whose
 * batch body limit (16 × the single-job limit) is reached before the 1,000-job count: every job
 * is within the limits, so every one must be enqueued, once.
 */
const RUN = `sb${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'sdk-batch-bytes-key-0123456789';
const LIMIT = 4096; // a batch body may be 64 KiB
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  ingest: { bodyLimitBytes: LIMIT },
  tasks: [defineTask({ name: 'sb.echo', queue: QUEUE, input: z.string(), handler: (x) => x })],
});

describe('SDK enqueueMany over the ingest batch body limit (real RabbitMQ + Redis)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>> | undefined;
  let url = '';

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    url = ingest.url;
  }, 60_000);

  afterAll(() => ingest?.close());

  it('200 jobs of 1 KiB each (each well within the limit, 200 KiB in all): all accepted, each published once', async () => {
    const client = createClient({ url, apiKey: KEY });
    const jobs = Array.from({ length: 200 }, (_, i) => ({
      task: 'sb.echo',
      input: `${i}:${'x'.repeat(1024)}`,
    }));
    const out = await client.enqueueMany(jobs);
    expect(out.map((r) => r.status)).toEqual(jobs.map(() => 202));
    await new Promise((r) => setTimeout(r, 200)); // queue reads lag the confirm slightly
    const published = await drainQueue(QUEUE);
    expect(published.map((j) => j.input).sort()).toEqual(jobs.map((j) => j.input).sort());
  });

  it('a job over the single-job limit is answered 413 on its own; the others are accepted', async () => {
    const client = createClient({ url, apiKey: KEY });
    const jobs = Array.from({ length: 100 }, (_, i) => ({
      task: 'sb.echo',
      input: `${i}:${'y'.repeat(1024)}`,
    }));
    jobs[7] = { task: 'sb.echo', input: 'z'.repeat(LIMIT * 20) }; // over the batch body limit by itself
    const out = await client.enqueueMany(jobs);
    expect(out.map((r) => r.status)).toEqual(jobs.map((_, i) => (i === 7 ? 413 : 202)));
    expect(out[7]!.problem?.status).toBe(413);
    await new Promise((r) => setTimeout(r, 200));
    expect((await drainQueue(QUEUE)).length).toBe(99);
  });
});
