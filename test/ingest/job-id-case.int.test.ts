import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { createClient } from '@warren/sdk';
import { createDirectClient } from '@warren/sdk/direct';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A job id is a UUID (or a ULID), and both are case-insensitive on input (RFC 9562 section 4;
 * Crockford base32): the ingest takes `0190F0A8-…` as a valid id, so it must find the job
 * `0190f0a8-…`, as a caller whose database hands UUIDs back in upper case (SQL Server's
 * uniqueidentifier) sends it. Node ingest over real RabbitMQ (:5672) and Redis (:6379), no worker:
 * the job waits in its queue.
 */
const RUN = `ic${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'job-id-case-key-0123456789abcdef';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'ic.echo', queue: QUEUE, input: z.number(), handler: (x) => x })],
});

describe('job ids in another case (real RabbitMQ + Redis, Node adapter)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
  }, 60_000);
  afterAll(async () => ingest?.close());

  const req = (path: string, method = 'GET') =>
    fetch(`${ingest.url}${path}`, { method, headers: { authorization: `Bearer ${KEY}` } });

  it('GET, GET ?wait= and DELETE find the job by its id in upper case', async () => {
    const client = createClient({ url: ingest.url, apiKey: KEY });
    const { id } = await client.enqueue('ic.echo', 1);
    const upper = id.toUpperCase();
    expect(upper).not.toBe(id);

    const got = await req(`/v1/jobs/${upper}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ id, state: 'queued' });
    const waited = await req(`/v1/jobs/${upper}?wait=200ms`);
    expect(waited.status).toBe(200);
    expect(await waited.json()).toMatchObject({ id, state: 'queued' });
    expect((await client.get(upper)).id).toBe(id);

    const cancelled = await req(`/v1/jobs/${upper}`, 'DELETE');
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ id, state: 'cancelled' });
    expect((await client.wait(upper, { timeoutMs: 1000 })).state).toBe('cancelled');
  });

  it('the direct client alike', async () => {
    const direct = createDirectClient({ config, publishers: ingest.publishers, results: ingest.results });
    const { id } = await direct.enqueue('ic.echo', 2);
    const upper = id.toUpperCase();
    expect((await direct.get(upper)).id).toBe(id);
    expect((await direct.cancel(upper)).state).toBe('cancelled');
    expect((await direct.wait(upper, { timeoutMs: 1000 })).state).toBe('cancelled');
  });

  it('an id of no job is still a 404, in either case', async () => {
    for (const id of ['0190f0a8-1e7c-7000-8000-00000000000a', '0190F0A8-1E7C-7000-8000-00000000000A'])
      expect((await req(`/v1/jobs/${id}?wait=10s`)).status).toBe(404);
  });
});
