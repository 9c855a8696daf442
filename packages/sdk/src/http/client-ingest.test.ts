import type { AddressInfo } from 'node:net';
import {
  createProducer,
  defineConfig,
  defineTask,
  MemoryBroker,
  MemoryResultStore,
  type Publisher,
} from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import type { JobEnvelope } from '@warren/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createClient } from './client';

const add = defineTask({
  name: 'demo.add',
  input: z.object({ a: z.number(), b: z.number() }),
  handler: ({ a, b }) => a + b,
});

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A real ingest on a free port over the memory broker, each publish confirmed after `publishMs`. */
async function startIngest(publishMs = 0) {
  const config = defineConfig({ queues: { default: {} }, tasks: [add] });
  const broker = new MemoryBroker();
  const slow: Publisher = {
    publish: async (queue, job, opts) => {
      await new Promise((r) => setTimeout(r, publishMs));
      await broker.publish(queue, job, opts);
    },
    close: () => broker.close(),
  };
  const results = new MemoryResultStore();
  const published: JobEnvelope[] = [];
  const producer = createProducer({
    config,
    publishers: new Map([
      [
        config.region,
        {
          ...slow,
          publish: (q, job, o) => {
            published.push(job);
            return slow.publish(q, job, o);
          },
        },
      ],
    ]),
    results,
  });
  const server = await serveNode(createIngestApp({ config, producer, results }), 0, '127.0.0.1');
  closers.push(
    () => new Promise((r) => server.close(r)),
    () => broker.close(),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, broker, published };
}

/** Global fetch, except that the first `drops` requests reach the server and then lose their answer. */
function droppingFetch(drops: number) {
  let calls = 0;
  return async (url: string, init: RequestInit) => {
    if (++calls > drops) return fetch(url, init);
    void fetch(url, init).catch(() => {});
    await new Promise((r) => setTimeout(r, 20)); // the request is on the server by now
    throw new TypeError('fetch failed');
  };
}

describe('HTTP client against a real ingest', () => {
  it("puts the jobs of enqueue and enqueueMany in the caller's trace (traceparent)", async () => {
    const ingest = await startIngest();
    const client = createClient({ url: ingest.url, retry: { attempts: 1 } });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
    await client.enqueue(add, { a: 1, b: 2 }, { traceparent });
    await client.enqueueMany(
      [
        { task: add, input: { a: 3, b: 4 } },
        { task: 'demo.add', input: { a: 5, b: 6 } },
      ],
      {
        traceparent,
      },
    );
    await client.enqueue(add, { a: 7, b: 8 });
    await client.enqueue(add, { a: 9, b: 10 }, { traceparent, tracestate: 'dd=s:1,congo=t61' });
    const ids = ingest.published.map((j) => j.traceparent?.split('-')[1]);
    expect(ids.slice(0, 3)).toEqual([traceId, traceId, traceId]);
    expect(ids[3]).toMatch(/^[0-9a-f]{32}$/);
    expect(ids[3]).not.toBe(traceId);
    expect(ingest.published.map((j) => j.tracestate)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      'dd=s:1,congo=t61',
    ]);
  });

  it('a retried enqueue whose first try is still being accepted answers that job, not a 409', async () => {
    const ingest = await startIngest(150);
    // Pauses of up to 0.2, 0.4, 0.8, 1.6 and 3.2 s (full jitter): far more than the 150 ms publish.
    const client = createClient({
      url: ingest.url,
      fetch: droppingFetch(1),
      retry: { baseMs: 200, attempts: 6 },
    });
    const job = await client.enqueue(add, { a: 1, b: 2 });
    // Its own first try's job, answered as that try was: not a replay of anyone else's.
    expect(job).toMatchObject({ state: 'queued', replayed: false });
    expect(ingest.broker.depth('default')).toBe(1);
  });

  it('enqueueMany: items still being accepted from a lost first try are sent again, not left as 409s', async () => {
    const ingest = await startIngest(150);
    // Pauses of up to 0.2, 0.4, 0.8, 1.6 and 3.2 s (full jitter): far more than the 150 ms publish.
    const client = createClient({
      url: ingest.url,
      fetch: droppingFetch(1),
      retry: { baseMs: 200, attempts: 6 },
    });
    const out = await client.enqueueMany([
      { task: add, input: { a: 1, b: 1 } },
      { task: add, input: { a: 2, b: 2 } },
    ]);
    expect(out.map((r) => r.status)).toEqual([202, 202]);
    expect(ingest.broker.depth('default')).toBe(2);
  });

  it('a retried cancel whose first try went through answers the cancelled job, not a 409', async () => {
    const ingest = await startIngest();
    const job = await createClient({ url: ingest.url }).enqueue(add, { a: 1, b: 2 });
    const client = createClient({ url: ingest.url, fetch: droppingFetch(1), retry: { baseMs: 50 } });
    expect(await client.cancel(job.id)).toMatchObject({ id: job.id, state: 'cancelled' });
    // A cancel of a job cancelled before this call is still the contract's 409.
    await expect(createClient({ url: ingest.url }).cancel(job.id)).rejects.toMatchObject({ status: 409 });
  });
});
