import { randomInt } from 'node:crypto';
import { defineConfig, defineTask, type JobEnvelope } from '@warren/core';
import { createClient } from '@warren/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { drainQueue, startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * Back-pressure on a batch, on the Node ingest over real RabbitMQ (:5672, a queue limited to 2
 * messages with reject-publish) and Redis (:6379): the items refused 429 say when to come back
 * (Retry-After, as a single enqueue's 429 does), and the SDK's enqueueMany waits that long before
 * sending them again, instead of spending its tries in the first second and a half.
 */
const RUN = `sr${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-full`;
const KEY = 'sdk-retry-after-key-0123456789';
const config = defineConfig({
  queues: { [QUEUE]: { maxLength: 2 } },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'sr.echo', queue: QUEUE, input: z.number(), handler: (x) => x })],
});

describe('batch back-pressure honoured by the SDK (real RabbitMQ + Redis)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>> | undefined;
  let url = '';

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    url = ingest.url;
  }, 60_000);

  afterAll(() => ingest?.close());

  /** Single jobs until the queue refuses one: it is full from then on. */
  async function fill() {
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ task: 'sr.echo', input: 100 + i }),
      });
      if (res.status === 429) return;
    }
    throw new Error('the queue never filled up');
  }

  it('a 207 with 429 items carries Retry-After', async () => {
    await fill();
    const res = await fetch(`${url}/v1/jobs/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ jobs: [0, 1, 2, 3, 4].map((i) => ({ task: 'sr.echo', input: -i })) }),
    });
    expect(res.status).toBe(207);
    const { results } = (await res.json()) as { results: { status: number }[] };
    expect(results.map((r) => r.status)).toEqual([429, 429, 429, 429, 429]);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    await drainQueue(QUEUE);
  });

  it('enqueueMany waits out the Retry-After of its 429 items: a queue drained after 2 s takes them all', async () => {
    await fill();
    const drained: JobEnvelope[] = [];
    const started = Date.now();
    // A consumer that starts late: every job refused before it catches up needs a later try.
    const drainer = (async () => {
      await new Promise((r) => setTimeout(r, 2000));
      while (Date.now() - started < 25_000) {
        drained.push(...(await drainQueue(QUEUE)).filter((j) => (j.input as number) < 100));
        if (drained.length >= 6) return;
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    const client = createClient({ url, apiKey: KEY });
    const out = await client.enqueueMany([1, 2, 3, 4, 5, 6].map((input) => ({ task: 'sr.echo', input })));
    expect(out.map((r) => r.status)).toEqual([202, 202, 202, 202, 202, 202]);
    await drainer;
    expect(drained.map((j) => j.input).sort()).toEqual([1, 2, 3, 4, 5, 6]); // each once
  }, 40_000);
});
