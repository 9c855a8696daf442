import { randomInt } from 'node:crypto';
import { defineConfig, defineTask, type ExecutionEvent } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CoreStack, sleep, startCoreStack } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A run whose lease lapsed (a stall) while another run moved its job on is told so through its
 * ctx.signal when its progress is refused, and its outcome is not recorded. Real RabbitMQ (:5672),
 * Redis (:6379) and worker.
 */
const RUN = `ll${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
let release: () => void = () => {};
const gate = () => new Promise<void>((r) => (release = r));
const seen: { reason?: unknown; sideEffects: number } = { sideEffects: 0 };
const tasks = [
  defineTask({
    name: 'll.stall',
    queue: QUEUE,
    input: z.object({}),
    handler: async (_i, ctx) => {
      await gate(); // the stall; the job moves on meanwhile
      await ctx.progress({ pct: 50 });
      seen.reason = ctx.signal.reason;
      ctx.signal.throwIfAborted();
      seen.sideEffects++;
      return 'stale';
    },
  }),
];
const config = defineConfig({ queues: { [QUEUE]: { type: 'classic' } }, tasks });

describe('a run whose job moved on without it (real Redis)', () => {
  let stack: CoreStack | undefined;
  const events: ExecutionEvent[] = [];
  beforeAll(async () => {
    stack = await startCoreStack(config, { run: RUN, queue: QUEUE, events });
  }, 60_000);
  afterAll(async () => {
    release();
    await stack?.close();
  });

  it('has its signal aborted with a LeaseLostError on a refused progress, and is skipped', async () => {
    const { producer, results } = stack!;
    const { response } = await producer.enqueue({ task: 'll.stall', input: {} });
    const on = (type: string) => events.find((e) => e.job.id === response.id && e.type === type);
    for (let i = 0; i < 100 && !on('started'); i++) await sleep(50);
    expect(on('started')).toBeDefined();
    // Meanwhile, elsewhere: the job was taken over and failed into its retry.
    const error = { type: 'Error', message: 'took over', retryable: true };
    expect(await results.transition(response.id, 'retrying', { error, ttlS: 60 })).toMatchObject({
      ok: true,
    });
    release();
    for (let i = 0; i < 100 && !on('skipped'); i++) await sleep(50);
    expect(on('skipped')).toBeDefined();
    expect(seen.reason).toMatchObject({ name: 'LeaseLostError' });
    expect(seen.sideEffects).toBe(0);
    expect(await results.get(response.id)).toMatchObject({ state: 'retrying', error, attempts: 1 });
  }, 20_000);
});
