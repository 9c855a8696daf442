import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * The Node ingest behind a TLS-terminating proxy (a load balancer, nginx), over real RabbitMQ
 * (:5672) and Redis (:6379): the proxy speaks plain HTTP to it and says what the caller used in
 * X-Forwarded-Proto / X-Forwarded-Prefix. The job's link and Location must be the URL the caller
 * can use (an http:// link would send the next request, API key included, unencrypted).
 */
const RUN = `fl${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'forwarded-links-key-0123456789';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'fl.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

describe('job links behind a proxy (Node adapter, real RabbitMQ + Redis)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>> | undefined;
  let base = '';

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    base = ingest.url;
  }, 60_000);

  afterAll(() => ingest?.close());

  /** The proxy passes the caller's Host on (fetch cannot send another one to it). */
  const host = () => new URL(base).host;

  async function enqueue(headers: Record<string, string>, path = '/v1/jobs') {
    const batch = path.endsWith('/batch');
    const job = { task: 'fl.echo', input: 1 };
    const res = await fetch(base + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${KEY}`,
        ...headers,
      },
      body: JSON.stringify(batch ? { jobs: [job] } : job),
    });
    const body = (await res.json()) as { id: string; links: { self: string }; results?: unknown[] };
    return batch
      ? { self: (body.results![0] as { job: { links: { self: string } } }).job.links.self }
      : { self: body.links.self, location: res.headers.get('location'), id: body.id };
  }

  it('https links when the proxy says the caller used https, with its path prefix', async () => {
    const a = await enqueue({ 'x-forwarded-proto': 'https' });
    expect(a.self).toBe(`https://${host()}/v1/jobs/${a.id}`);
    expect(a.location).toBe(a.self);
    // A chain of proxies lists the caller's scheme first.
    const b = await enqueue({ 'x-forwarded-proto': 'https, http', 'x-forwarded-prefix': '/warren' });
    expect(b.self).toBe(`https://${host()}/warren/v1/jobs/${b.id}`);
    const c = await enqueue({ 'x-forwarded-proto': 'https' }, '/v1/jobs/batch');
    expect(c.self.startsWith(`https://${host()}/v1/jobs/`)).toBe(true);
  });

  it('the connection scheme without the header, and for anything but http or https', async () => {
    const a = await enqueue({});
    expect(a.self).toBe(`http://${host()}/v1/jobs/${a.id}`);
    const b = await enqueue({ 'x-forwarded-proto': 'javascript' });
    expect(b.self).toBe(`http://${host()}/v1/jobs/${b.id}`);
  });
});
