import { type AnyTask, defineConfig, defineTask, type JobEnvelope, NonRetriableError } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { z } from 'zod';

const fixed1s = { kind: 'fixed' as const, baseMs: 1000, jitter: false };

/** Tasks the worker tests run (the same set in-process and in child worker processes). */
export const workerTestTasks: AnyTask[] = [
  defineTask({
    name: 'w.add',
    input: z.object({ a: z.number(), b: z.number() }),
    handler: ({ a, b }) => a + b,
  }),
  defineTask({
    name: 'w.flaky',
    input: z.unknown(),
    retry: { maxAttempts: 3, backoff: fixed1s },
    handler: (_input, ctx) => {
      if (ctx.attempt === 1) throw new Error('flaky: the first attempt fails');
      return { attempt: ctx.attempt };
    },
  }),
  defineTask({
    name: 'w.never',
    input: z.unknown(),
    retry: { maxAttempts: 3, backoff: fixed1s },
    handler: (_input, ctx) => {
      throw new Error(`never works (attempt ${ctx.attempt})`);
    },
  }),
  defineTask({
    name: 'w.fatal',
    input: z.unknown(),
    handler: () => {
      throw new NonRetriableError('card declined');
    },
  }),
  defineTask({
    name: 'w.slow',
    input: z.object({ ms: z.number().int().min(0) }),
    timeoutMs: 60_000,
    handler: async ({ ms }, ctx) => {
      await ctx.progress({ started: true });
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(t);
          reject(ctx.signal.reason);
        });
      });
      return { slept: ms };
    },
  }),
];

export const workerTestConfig = (queues?: string[]) =>
  defineConfig({ tasks: workerTestTasks, worker: { concurrency: 8, queues, shutdownTimeoutMs: 10_000 } });

/** An envelope for one of the tasks above, with that task's retry policy. */
export function jobFor(
  task: string,
  queue: string,
  input: unknown,
  extra: Partial<JobEnvelope> = {},
): JobEnvelope {
  const t = workerTestTasks.find((x) => x.name === task);
  return makeJob({
    task,
    queue,
    input,
    maxAttempts: t?.retry.maxAttempts ?? 3,
    backoff: t?.retry.backoff ?? { kind: 'fixed', baseMs: 1000, maxMs: 1000, jitter: false },
    ...extra,
  });
}
