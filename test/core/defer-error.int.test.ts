import { randomInt } from 'node:crypto';
import { DeferError, defineConfig, defineTask, type ExecutionEvent } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CoreStack, sleep, startCoreStack } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A task that throws DeferError ("not a failure: run me again later", BullMQ's DelayedError) runs
 * again after the delay with its attempt unspent. On real RabbitMQ (:5672, the delay tiers) and
 * Redis (:6379): maxAttempts 1, so a deferral that spent the attempt would fail the job.
 */
const RUN = `de${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const DELAY_MS = 1500;
const runs: { attempt: number; at: number }[] = [];
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [
    defineTask({
      name: 'de.poll',
      queue: QUEUE,
      input: z.object({}),
      retry: { maxAttempts: 1 },
      handler: (_i, ctx) => {
        runs.push({ attempt: ctx.attempt, at: Date.now() });
        if (runs.length < 3) throw new DeferError('upstream not ready', DELAY_MS);
        return 'ready';
      },
    }),
  ],
});

describe('DeferError on RabbitMQ + Redis', () => {
  const events: ExecutionEvent[] = [];
  let stack: CoreStack | undefined;
  beforeAll(async () => {
    stack = await startCoreStack(config, { run: RUN, queue: QUEUE, events });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('runs the job again after the delay, attempt unchanged, and it succeeds', async () => {
    const { producer, results } = stack!;
    const { response } = await producer.enqueue({ task: 'de.poll', input: {} });
    const id = response.id;
    for (let i = 0; i < 50 && runs.length < 1; i++) await sleep(100);
    await sleep(300);
    // Waiting for its next run: retrying, attempt 1, no error (it did not fail).
    const waiting = await results.get(id);
    expect(waiting).toMatchObject({ state: 'retrying', attempts: 1 });
    expect(waiting?.error).toBeUndefined();

    expect(await stack!.finished(id)).toMatchObject({ state: 'succeeded', attempts: 1, result: 'ready' });
    expect(runs.map((r) => r.attempt)).toEqual([1, 1, 1]);
    for (let i = 1; i < runs.length; i++)
      expect(runs[i]!.at - runs[i - 1]!.at).toBeGreaterThanOrEqual(DELAY_MS - 50);
    expect(events.filter((e) => e.type === 'deferred').map((e) => [e.attempt, e.delayMs, e.reason])).toEqual([
      [1, DELAY_MS, 'task'],
      [1, DELAY_MS, 'task'],
    ]);
  }, 30_000);
});
