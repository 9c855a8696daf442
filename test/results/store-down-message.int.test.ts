import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startIngestOnPrivateRedis } from '../ingest/private-redis-ingest';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';

/**
 * What a store failure says while Redis is down (stopped, restarting, unreachable): ioredis fails
 * a command made while it reconnects with 'Reached the max retries per request limit (which is
 * 0). Refer to "maxRetriesPerRequest" option for details.', which read as a setting to change and
 * named no cause, in every 503's detail and every worker 'infrastructure error' line of an
 * outage. Real Node ingest and RabbitMQ :5672, a private redis-server stopped.
 */
const RUN = `sdm${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [defineTask({ name: 'sdm.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

describe('a store call while Redis is down', () => {
  let redis: PrivateRedis;
  let ingest: Awaited<ReturnType<typeof startIngestOnPrivateRedis>>;
  let url = '';

  beforeAll(async () => {
    redis = await startPrivateRedis('store down message');
    ingest = await startIngestOnPrivateRedis(config, RUN, QUEUE, redis);
    url = ingest.url;
  }, 60_000);

  afterAll(async () => {
    await ingest?.close();
    await redis?.stop();
  });

  it('names the connection error, not the maxRetriesPerRequest option', async () => {
    await redis.stop();
    const res = await fetch(`${url}/v1/jobs/${uuidv7()}`);
    expect(res.status).toBe(503);
    const { detail } = (await res.json()) as { detail: string };
    expect(detail).not.toMatch(/maxRetriesPerRequest|max retries per request/);
    expect(detail).toMatch(/^result store get failed: .*ECONNREFUSED/);
    expect(detail).not.toContain(String(redis.port)); // Redis' address is not the caller's business
    const err = await ingest.results.transition(uuidv7(), 'queued', {}).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^result store transition failed: .*ECONNREFUSED/);
    // A wait's subscription (its own connection) says so as well.
    const waited = await ingest.results.waitFor(uuidv7(), 1000).catch((e: Error) => e);
    expect((waited as Error).message).toMatch(/^result store subscribe failed: .*ECONNREFUSED/);
  });
});
