import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * `GET /v1/jobs/:id` reads the request's abort signal only for a long-poll (`?wait=`): on the
 * Node adapter the signal is an AbortController made on first read, a cost every plain read paid.
 * A long-poll still hears its caller hang up and stops waiting. On the Node ingest over real
 * RabbitMQ (:5672) and Redis (:6379).
 */
const RUN = `pa${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'long-poll-abort-0123456789abcd';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'pa.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

/** Per GET of a job: whether the route read the request's signal, and how long it took. */
const seen: { wait: boolean; signalRead: boolean; ms: number }[] = [];
function watchSignal(app: Hono) {
  app.use('/v1/jobs/:id', async (c, next) => {
    if (c.req.method !== 'GET') return next();
    const raw = c.req.raw;
    const proto = Object.getPrototypeOf(raw) as object;
    let signalRead = false;
    Object.defineProperty(raw, 'signal', {
      configurable: true,
      get() {
        signalRead = true;
        return Reflect.get(proto, 'signal', raw);
      },
    });
    const t0 = Date.now();
    await next();
    seen.push({ wait: c.req.query('wait') !== undefined, signalRead, ms: Date.now() - t0 });
  });
}

describe('the abort signal of GET /v1/jobs/:id on real RabbitMQ + Redis (Node adapter)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  let id = '';
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE, { extend: watchSignal });
    // Never runs (no worker): it stays queued, so a long-poll waits its whole time.
    const res = await fetch(`${ingest.url}/v1/jobs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ task: 'pa.echo', input: 1 }),
    });
    id = ((await res.json()) as { id: string }).id;
  }, 60_000);
  afterAll(async () => ingest?.close());

  it('a plain read does not touch the signal', async () => {
    seen.length = 0;
    const res = await fetch(`${ingest.url}/v1/jobs/${id}`, { headers });
    expect(res.status).toBe(200);
    expect(seen).toEqual([{ wait: false, signalRead: false, ms: expect.any(Number) }]);
  });

  it('a long-poll whose caller hangs up stops waiting at once', async () => {
    seen.length = 0;
    const ac = new AbortController();
    const polled = fetch(`${ingest.url}/v1/jobs/${id}?wait=20s`, { headers, signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    await expect(polled).rejects.toThrow();
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ wait: true, signalRead: true });
    expect(seen[0]!.ms).toBeLessThan(3_000); // not the 20 s asked for
  });
});
