import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { createClient } from '@warren/sdk';
import { createDirectClient } from '@warren/sdk/direct';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { drainQueue, startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * One idempotency key sent concurrently by the SDK's HTTP client, raw HTTP and the direct client
 * (real Node ingest, RabbitMQ :5672, Redis :6379): one message, one id in every answer. Then cancel:
 * a delayed job cancelled answers GET ?wait= at once with `cancelled`, a second cancel is a 409, and
 * the key still replays the cancelled job rather than enqueueing another.
 */
const RUN = `icp${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: {} },
  tasks: [defineTask({ name: 'icp.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

describe('idempotency keys under concurrency, and cancel', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
  }, 60_000);
  afterAll(async () => ingest?.close());

  it('10 concurrent enqueues under one key (HTTP SDK, raw HTTP, direct): one message, one id', async () => {
    const key = `k-${RUN}-1`;
    const http = createClient({ url: ingest.url, retry: { baseMs: 20 } });
    const direct = createDirectClient({ config, publishers: ingest.publishers, results: ingest.results });
    const raw = async () => {
      const res = await fetch(`${ingest.url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ task: 'icp.echo', input: { n: 1 } }),
      });
      return { status: res.status, body: (await res.json()) as { id: string } };
    };
    const calls = Array.from({ length: 10 }, (_, i) =>
      i % 3 === 0
        ? http.enqueue('icp.echo', { n: 1 }, { idempotencyKey: key }).then((j) => j.id)
        : i % 3 === 1
          ? direct.enqueue('icp.echo', { n: 1 }, { idempotencyKey: key }).then((j) => j.id)
          : raw().then((r) =>
              r.status === 202 || r.status === 200 || r.status === 409 ? r.body.id : `status ${r.status}`,
            ),
    );
    const ids = await Promise.all(calls);
    const known = ids.filter((x) => x !== undefined);
    expect(new Set(known).size, JSON.stringify(ids)).toBe(1);
    const msgs = await drainQueue(QUEUE);
    expect(msgs.map((m) => m.id)).toEqual([known[0]]);
    // Another body under the key: refused, never a replay of the first job.
    const other = await http.enqueue('icp.echo', { n: 2 }, { idempotencyKey: key }).catch((e) => e);
    expect(other.status).toBe(422);
  }, 20_000);

  it('cancel a delayed job: wait answers cancelled; second cancel 409; the key replays the cancelled job', async () => {
    const key = `k-${RUN}-2`;
    const http = createClient({ url: ingest.url, retry: { baseMs: 20 } });
    const job = await http.enqueue('icp.echo', 'later', { delayMs: 60_000, idempotencyKey: key });
    expect(job.state).toBe('scheduled');
    const waiting = http.wait(job.id, { timeoutMs: 8000 });
    const c = await http.cancel(job.id);
    expect(c.state).toBe('cancelled');
    expect((await waiting).state).toBe('cancelled');
    const again = await http.cancel(job.id).catch((e) => e);
    expect(again.status).toBe(409);
    const res = await fetch(`${ingest.url}/v1/jobs/${job.id}?wait=5s`);
    expect(((await res.json()) as { state: string }).state).toBe('cancelled');
    const replay = await http.enqueue('icp.echo', 'later', { delayMs: 60_000, idempotencyKey: key });
    expect(replay).toMatchObject({ id: job.id, replayed: true, state: 'cancelled' });
  }, 20_000);
});
