import { defineConfig, defineTask } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';
import { startIngestOnPrivateRedis } from './private-redis-ingest';
import { drainQueue } from './support';

/**
 * An idempotency claim sent to a Redis that froze (SIGSTOP: a VM paused, a stalled fork) for
 * longer than the store's command timeout and the release tries after it: the request answered
 * 503 and published nothing, then Redis resumed and ran the claim it still held, so the key named
 * a job never enqueued and every retry under it was a 409 "still being accepted" for the key's
 * whole TTL (a day). Real Node ingest, RabbitMQ :5672, a private redis-server frozen and resumed;
 * the store's command timeout is 1 s here (10 s by default).
 */
const RUN = `cs${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [defineTask({ name: 'cs.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('an idempotency claim held by a frozen Redis past its timeout', () => {
  let redis: PrivateRedis;
  let ingest: Awaited<ReturnType<typeof startIngestOnPrivateRedis>>;
  let url = '';

  beforeAll(async () => {
    redis = await startPrivateRedis('claim on a frozen redis');
    ingest = await startIngestOnPrivateRedis(config, RUN, QUEUE, redis, {
      redisOptions: { commandTimeout: 1000 },
    });
    url = ingest.url;
  }, 60_000);

  afterAll(async () => {
    redis?.signal('SIGCONT');
    await ingest?.close();
    await redis?.stop();
  });

  const post = () =>
    fetch(`${url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `${RUN}-k` },
      body: JSON.stringify({ task: 'cs.echo', input: 'x' }),
    });

  it('does not keep the key once Redis resumes: a retry enqueues the job, once', async () => {
    redis.signal('SIGSTOP');
    let first: Response;
    try {
      first = await post();
    } finally {
      await sleep(500); // the request gave up on its release tries too
      redis.signal('SIGCONT');
    }
    expect(first.status).toBe(503);
    expect(first.headers.get('content-type')).toMatch(/application\/problem\+json/);
    // The caller retries (as the SDK does) under its key: 409s (Retry-After 1) are fine meanwhile.
    const statuses: number[] = [];
    let body: { id?: string } = {};
    for (let i = 0; i < 20 && statuses.at(-1) !== 202; i++) {
      if (i > 0) await sleep(500);
      const res = await post();
      statuses.push(res.status);
      body = (await res.json()) as { id?: string };
    }
    expect(statuses.at(-1)).toBe(202);
    await sleep(200); // queue reads lag the confirm slightly
    expect((await drainQueue(QUEUE)).map((j) => j.id)).toEqual([body.id]);
  }, 30_000);
});
