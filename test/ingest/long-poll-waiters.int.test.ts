import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * Many long-polls (`?wait=`) at once on the Node ingest over real RabbitMQ (:5672) and Redis
 * (:6379, the store's done channel): all of them answer when the job finishes, and callers that
 * hang up leave no subscription behind.
 */
const RUN = `lp${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'long-poll-key-0123456789abcdefg';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'lp.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

describe('concurrent long-polls on real RabbitMQ + Redis', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>> | undefined;
  let redis: Redis;
  let base = '';

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    base = ingest.url;
    redis = ingest.redis;
  }, 60_000);

  afterAll(() => ingest?.close());

  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const enqueue = async () =>
    (
      (await (
        await fetch(`${base}/v1/jobs`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ task: 'lp.echo', input: 1 }),
        })
      ).json()) as { id: string }
    ).id;
  const channels = () => redis.pubsub('CHANNELS', `${RUN}:*`) as Promise<string[]>;
  const settle = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 40 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
  };

  it('100 waiters on one job all answer once it is cancelled; hung-up waiters unsubscribe', async () => {
    const id = await enqueue();
    const t0 = Date.now();
    const waiters = Array.from({ length: 100 }, () =>
      fetch(`${base}/v1/jobs/${id}?wait=20s`, { headers }).then(
        async (r) => (await r.json()) as { state: string },
      ),
    );
    const gone = Array.from({ length: 50 }, () => new AbortController());
    const leaving = gone.map((ac) =>
      fetch(`${base}/v1/jobs/${id}?wait=20s`, { headers, signal: ac.signal }).catch(() => 'aborted'),
    );
    await settle(async () => (await channels()).length > 0);
    expect(await channels()).toHaveLength(1); // one subscription shared by every waiter of the job
    for (const ac of gone) ac.abort();
    expect(new Set(await Promise.all(leaving))).toEqual(new Set(['aborted']));
    await fetch(`${base}/v1/jobs/${id}`, { method: 'DELETE', headers });
    const answers = await Promise.all(waiters);
    expect(answers.every((a) => a.state === 'cancelled')).toBe(true);
    expect(Date.now() - t0).toBeLessThan(10_000);
    await settle(async () => (await channels()).length === 0);
    expect(await channels()).toEqual([]);
  }, 30_000);

  it('waiters that all hang up leave no subscription', async () => {
    const id = await enqueue();
    const gone = Array.from({ length: 50 }, () => new AbortController());
    const leaving = gone.map((ac) =>
      fetch(`${base}/v1/jobs/${id}?wait=20s`, { headers, signal: ac.signal }).catch(() => 'aborted'),
    );
    await settle(async () => (await channels()).length > 0);
    for (const ac of gone) ac.abort();
    await Promise.all(leaving);
    await settle(async () => (await channels()).length === 0);
    expect(await channels()).toEqual([]);
  });
});
