import { randomInt } from 'node:crypto';
import { type BatchItemResult, defineConfig, defineTask } from '@warren/core';
import { createClient } from '@warren/sdk';
import { createDirectClient } from '@warren/sdk/direct';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * The SDK's enqueueMany sends a long list in several requests (bursts of 1,000, halves after a
 * 413, refused items again alone): a problem names the field by the caller's index in the list
 * (`jobs.1001.input`, instance `…#1001`), not by its index in the request that carried it. HTTP
 * client against the Node ingest and the direct client, over real RabbitMQ (:5672) and Redis (:6379).
 */
const RUN = `sp${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'sdk-batch-paths-key-012345678';
const LIMIT = 4096; // a batch body may be 64 KiB
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  ingest: { bodyLimitBytes: LIMIT },
  tasks: [defineTask({ name: 'sp.echo', queue: QUEUE, input: z.string(), handler: (x) => x })],
});

type Job = { task: string; input: unknown; delayMs?: number };
/** 1,003 jobs: item 2 is a 400 (delayMs), item 1001 (in the second burst) a 422 (input). */
const longList = (): Job[] => {
  const jobs: Job[] = Array.from({ length: 1003 }, (_, i) => ({ task: 'sp.echo', input: `${i}` }));
  jobs[2] = { task: 'sp.echo', input: '2', delayMs: -1 };
  jobs[1001] = { task: 'sp.echo', input: 1001 };
  return jobs;
};
const pathsOf = (r: BatchItemResult | undefined) => r?.problem?.errors?.map((e) => e.path);
const expectCallerIndices = (out: BatchItemResult[]) => {
  expect(out.filter((r) => r.status >= 300).map((r) => r.status)).toEqual([400, 422]);
  expect(pathsOf(out[2])).toEqual(['jobs.2.delayMs']);
  expect(pathsOf(out[1001])).toEqual(['jobs.1001.input']);
};

describe('SDK enqueueMany field paths across requests (real RabbitMQ + Redis)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
  }, 60_000);
  afterAll(async () => ingest?.close());

  it('HTTP client, two bursts: item 1001 is jobs.1001, its instance #1001', async () => {
    const out = await createClient({ url: ingest.url, apiKey: KEY }).enqueueMany(longList());
    expectCallerIndices(out);
    expect(out[1001]!.problem?.instance).toBe('/v1/jobs/batch#1001');
  });

  it('HTTP client, a batch halved after a 413: item 60 is jobs.60', async () => {
    const jobs: Job[] = Array.from({ length: 100 }, (_, i) => ({
      task: 'sp.echo',
      input: `${i}:${'x'.repeat(1024)}`,
    }));
    jobs[60] = { task: 'sp.echo', input: 60 };
    const out = await createClient({ url: ingest.url, apiKey: KEY }).enqueueMany(jobs);
    expect(out.map((r) => r.status)).toEqual(jobs.map((_, i) => (i === 60 ? 422 : 202)));
    expect(pathsOf(out[60])).toEqual(['jobs.60.input']);
  });

  it('a job too large for any batch body is a 413 naming jobs.<index> on both clients, as a smaller one over the limit is', async () => {
    const jobs: Job[] = Array.from({ length: 10 }, (_, i) => ({ task: 'sp.echo', input: `${i}` }));
    jobs[3] = { task: 'sp.echo', input: 'x'.repeat(LIMIT * 2) }; // goes in a batch body, over the job limit
    jobs[7] = { task: 'sp.echo', input: 'x'.repeat(LIMIT * 20) }; // over the batch body limit by itself
    const http = await createClient({ url: ingest.url, apiKey: KEY }).enqueueMany(jobs);
    const direct = await createDirectClient({
      config,
      publishers: ingest.publishers,
      results: ingest.results,
    }).enqueueMany(jobs);
    for (const out of [http, direct]) {
      expect(out.map((r) => r.status)).toEqual(jobs.map((_, i) => (i === 3 || i === 7 ? 413 : 202)));
      expect(pathsOf(out[3])).toEqual(['jobs.3']);
      expect(pathsOf(out[7])).toEqual(['jobs.7']);
    }
    expect(http[3]!.problem?.instance).toBe('/v1/jobs/batch#3');
    expect(http[7]!.problem?.instance).toBe('/v1/jobs/batch#7');
  });

  it('direct client, two bursts: the same paths', async () => {
    const direct = createDirectClient({ config, publishers: ingest.publishers, results: ingest.results });
    expectCallerIndices(await direct.enqueueMany(longList()));
  });
});
