import { defineConfig, defineTask } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';
import { startIngestOnPrivateRedis } from './private-redis-ingest';

/**
 * A job accepted while its result store was down for a moment (a restart, a failover): the broker
 * confirmed, so the ingest answered 202 and its record write failed. Its record was made only when
 * a worker took it: a scheduled job could be neither seen nor cancelled for its whole delay, and a
 * queued one behind a backlog (or with no worker up) answered 404 to GET and the SDK's wait. Real
 * Node ingest, RabbitMQ :5672 (no worker: the job waits), a private redis-server stopped and
 * started around the POST.
 */
const RUN = `ro${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [defineTask({ name: 'ro.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a job accepted while the result store is down', () => {
  let redis: PrivateRedis;
  let ingest: Awaited<ReturnType<typeof startIngestOnPrivateRedis>>;
  let url = '';

  beforeAll(async () => {
    redis = await startPrivateRedis('record outage');
    ingest = await startIngestOnPrivateRedis(config, RUN, QUEUE, redis, { onRecordError: () => {} });
    url = ingest.url;
  }, 60_000);

  afterAll(async () => {
    await ingest?.close();
    await redis?.stop();
  });

  /** POSTs the job with the store down (started again after), then GETs it until it is there. */
  async function acceptDuringOutage(
    body: object,
  ): Promise<{ accepted: { id: string; state: string }; got: Response }> {
    await redis.stop();
    let res: Response;
    try {
      res = await fetch(`${url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ task: 'ro.echo', input: 1, ...body }),
      });
    } finally {
      await redis.start();
    }
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { id: string; state: string };
    let got: Response | undefined;
    for (let i = 0; i < 40 && got?.status !== 200; i++) {
      if (i > 0) await sleep(250);
      got = await fetch(`${url}/v1/jobs/${accepted.id}`);
    }
    expect(got?.status).toBe(200);
    return { accepted, got: got! };
  }

  it('gets its record once the store is back, while it waits in its queue', async () => {
    const { accepted, got } = await acceptDuringOutage({});
    expect(await got.json()).toMatchObject({ id: accepted.id, state: 'queued', task: 'ro.echo', input: 1 });
  }, 30_000);

  it('a delayed one too: readable and cancellable before it is due', async () => {
    const { accepted } = await acceptDuringOutage({ delayMs: 3_600_000 });
    expect(accepted.state).toBe('scheduled');
    const cancelled = await fetch(`${url}/v1/jobs/${accepted.id}`, { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ id: accepted.id, state: 'cancelled' });
  }, 30_000);
});
