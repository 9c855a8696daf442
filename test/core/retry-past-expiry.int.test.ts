import { randomInt } from 'node:crypto';
import { defineConfig, defineTask, type ExecutionEvent, RetryAfterError } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CoreStack, sleep, startCoreStack } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A retry that would come due after the job's expiresAt can only come back to be expired. On real
 * RabbitMQ (:5672) and Redis (:6379): the job sat `retrying` for the whole retry delay (a client
 * waiting for it waited that long), though its outcome was known when the attempt failed.
 */
const RUN = `rpe${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const runs: { id: string; attempt: number }[] = [];
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [
    defineTask({
      name: 'rpe.later',
      queue: QUEUE,
      input: z.object({ retryMs: z.number() }),
      retry: { maxAttempts: 3 },
      handler: ({ retryMs }, ctx) => {
        runs.push({ id: ctx.jobId, attempt: ctx.attempt });
        if (ctx.attempt === 1) throw new RetryAfterError('upstream busy', retryMs);
        return 'done';
      },
    }),
  ],
});

describe('a retry due after the job expires (RabbitMQ + Redis)', () => {
  const events: ExecutionEvent[] = [];
  let stack: CoreStack | undefined;
  beforeAll(async () => {
    stack = await startCoreStack(config, { run: RUN, queue: QUEUE, events });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('expires the job when the attempt fails, its error kept, instead of leaving it retrying', async () => {
    const { producer, results } = stack!;
    const past = await producer.enqueue({ task: 'rpe.later', input: { retryMs: 6000 }, expiresInMs: 1500 });
    const within = await producer.enqueue({ task: 'rpe.later', input: { retryMs: 300 }, expiresInMs: 5000 });
    const id = past.response.id;
    let rec = await results.get(id);
    for (let i = 0; i < 30 && rec?.state !== 'expired'; i++, rec = await results.get(id)) await sleep(100);
    // Was: `retrying` until the retry came back after 6 s, then expired.
    expect(rec).toMatchObject({ state: 'expired', attempts: 1 });
    expect(rec?.error?.message).toMatch(/upstream busy/);
    expect(events.some((e) => e.type === 'retried' && e.job.id === id)).toBe(false);
    // A retry due before the expiry still runs.
    expect(await stack!.finished(within.response.id)).toMatchObject({ state: 'succeeded', attempts: 2 });
    expect(runs.filter((r) => r.id === id).map((r) => r.attempt)).toEqual([1]);
  }, 30_000);
});
