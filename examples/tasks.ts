import { defineTask } from '@warren/core';
import * as z from 'zod';

/** Returns its input unchanged. */
export const echo = defineTask({
  name: 'demo.echo',
  input: z.unknown(),
  handler: (input) => input,
});

/** `{a, b}` → `a + b`. */
export const add = defineTask({
  name: 'demo.add',
  input: z.object({ a: z.number(), b: z.number() }),
  output: z.number(),
  handler: ({ a, b }) => a + b,
});

/** Waits `ms` (aborts early on timeout, cancel, or a shutdown past the drain), returns `{slept: ms}`. */
export const sleepTask = defineTask({
  name: 'demo.sleep',
  input: z.object({ ms: z.number().int().min(0).max(600_000) }),
  timeoutMs: 10 * 60_000,
  handler: ({ ms }, ctx) =>
    new Promise<{ slept: number }>((resolve, reject) => {
      const t = setTimeout(() => resolve({ slept: ms }), ms);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(t);
        reject(ctx.signal.reason);
      });
    }),
});

/** Always throws a retryable error; fails for good after its 3 attempts. */
export const fail = defineTask({
  name: 'demo.fail',
  input: z.unknown(),
  retry: { maxAttempts: 3, backoff: { baseMs: 200, maxMs: 2000 } },
  handler: (_input, ctx) => {
    throw new Error(`demo.fail always fails (attempt ${ctx.attempt})`);
  },
});

export const exampleTasks = [echo, add, sleepTask, fail];
