import { randomInt } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineConfig, defineTask } from '@warren/core';
import { createClient, WarrenHttpError } from '@warren/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { drainQueue, startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * The SDK given a URL that redirects to the ingest (an http → https hop, a moved host), over the
 * Node ingest on real RabbitMQ (:5672) and Redis (:6379). fetch follows the redirect but drops the
 * Authorization header when it leads to another origin (http → https is one), and re-sends a POST
 * redirected by 301/302/303 as a GET without its body: the ingest answers 401 'missing
 * Authorization' to a client given its key, or refuses a GET nobody made. The error must say that
 * the URL redirected, and where to.
 */
const RUN = `h60rd${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'sdk-redirect-key-0123456789abcd';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'rd.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

describe('SDK through a redirecting URL (real RabbitMQ + Redis)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  const hops: http.Server[] = [];

  /** A server answering every request with `code` to the same path on the ingest. */
  async function redirecting(code: number): Promise<string> {
    const hop = http.createServer((req, res) => {
      req.resume();
      res.writeHead(code, { location: `${ingest.url}${req.url}` }).end();
    });
    hops.push(hop);
    await new Promise<void>((r) => hop.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(hop.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
  }, 60_000);
  afterAll(async () => {
    for (const hop of hops) hop.close();
    await ingest?.close();
  });

  const redirectedTo = (path: string) =>
    `was redirected to ${ingest.url}${path}; fetch drops the Authorization header on a redirect to another origin and re-sends a POST redirected by 301, 302 or 303 as a GET without its body: set url to the address it redirects to)`;

  it.each([301, 302, 303, 307, 308])(
    'a call redirected by %i to another origin fails naming the redirect, not as a 401 alone',
    async (code) => {
      const url = await redirecting(code);
      const client = createClient({ url, apiKey: KEY, retry: { baseMs: 1 } });
      const err = await client.enqueue('rd.echo', code).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WarrenHttpError);
      expect(err).toMatchObject({ status: 401 }); // the ingest's answer, kept
      expect((err as Error).message).toBe(
        `missing Authorization: Bearer <key> (POST ${url}/v1/jobs ${redirectedTo('/v1/jobs')}`,
      );
      const many = await client.enqueueMany([{ task: 'rd.echo', input: code }]).catch((e: unknown) => e);
      expect((many as Error).message).toContain(
        `POST ${url}/v1/jobs/batch ${redirectedTo('/v1/jobs/batch')}`,
      );
      const get = await client.get('01920000-0000-7000-8000-000000000001').catch((e: unknown) => e);
      expect((get as Error).message).toContain(
        `GET ${url}/v1/jobs/01920000-0000-7000-8000-000000000001 was redirected`,
      );
      // Nothing reached the queue.
      expect(await drainQueue(QUEUE)).toEqual([]);
    },
  );

  it('an ingest reached without a redirect still works (the note is only for redirected answers)', async () => {
    const client = createClient({ url: ingest.url, apiKey: KEY });
    const job = await client.enqueue('rd.echo', 'direct');
    expect(await client.get(job.id)).toMatchObject({ id: job.id, state: 'queued' });
    const err = await createClient({ url: ingest.url })
      .enqueue('rd.echo', 1)
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('missing Authorization: Bearer <key>');
    await new Promise((r) => setTimeout(r, 200)); // queue reads lag the confirm slightly
    expect((await drainQueue(QUEUE)).map((j) => j.id)).toEqual([job.id]);
  });
});
