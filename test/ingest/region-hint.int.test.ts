import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A job body's `region` is a routing hint (DESIGN.md "Regions": where the caller is, before the
 * geo headers), not a demand: a region this ingest does not know is passed over, as a known
 * region with an open circuit is, and the 202 names the region that accepted the job. So one
 * client runs against deployments with different region lists (`warren dev` has one, `local`).
 * On the Node ingest over real RabbitMQ (:5672) and Redis (:6379); documented in /openapi.json.
 */
const RUN = `rh${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'region-hint-key-0123456789abcd';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'rh.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

describe('an unknown region hint on real RabbitMQ + Redis (Node adapter)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
  }, 60_000);
  afterAll(async () => ingest?.close());

  it('202 in the region that took the job, which the answer and the record name', async () => {
    const res = await fetch(`${ingest.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ task: 'rh.echo', input: 1, region: 'eu-nowhere-9' }),
    });
    expect(res.status).toBe(202);
    const job = (await res.json()) as { id: string; region: string };
    expect(job.region).toBe(config.region);
    expect(await ingest.redis.hget(`${RUN}:job:${job.id}`, 'region')).toBe(config.region);
  });

  it('/openapi.json says region is a hint and what an unknown one does', async () => {
    const doc = (await (await fetch(`${ingest.url}/openapi.json`)).json()) as {
      components: { schemas: { EnqueueRequest: { properties: { region: { description?: string } } } } };
    };
    const { description } = doc.components.schemas.EnqueueRequest.properties.region;
    expect(description).toMatch(/hint/);
    expect(description).toMatch(/not configured.*ignored/);
  });
});
