/**
 * WARREN_CONFIG for worker child processes in the fault tests (`warren worker` loads it). Tasks
 * leave a trace in Redis (`TEST_TRACE_KEY`) so the tests can count completed task bodies.
 */
import { defineConfig, defineTask } from '@warren/core';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { workerTestTasks } from './tasks';

let redis: Redis | undefined;
const trace = () => {
  redis ??= new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: false });
  return redis;
};

/** Sleeps `ms` (aborting on its signal), then appends its job id to the trace list. */
export const markTask = defineTask({
  name: 'w.mark',
  input: z.object({ ms: z.number().int().min(0) }),
  timeoutMs: 3000, // a short timeout keeps the lease (timeout + margin) of a killed worker short
  handler: async ({ ms }, ctx) => {
    await ctx.progress({ pid: process.pid });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, ms);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(t);
        reject(ctx.signal.reason);
      });
    });
    await trace().rpush(process.env.TEST_TRACE_KEY ?? 'warren-test:trace', ctx.jobId);
    return { pid: process.pid };
  },
});

/** Blocks the event loop for `ms` (synchronous CPU work), then appends its job id to the trace list. */
export const busyTask = defineTask({
  name: 'w.busy',
  input: z.object({ ms: z.number().int().min(0) }),
  handler: async ({ ms }, ctx) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {}
    await trace().rpush(process.env.TEST_TRACE_KEY ?? 'warren-test:trace', ctx.jobId);
    return 'done';
  },
});

/** Sleeps `ms` and ignores its signal (a shutdown's abort too). */
export const deafTask = defineTask({
  name: 'w.deaf',
  input: z.object({ ms: z.number().int().min(0) }),
  timeoutMs: 60_000,
  handler: ({ ms }) => new Promise((resolve) => setTimeout(() => resolve('done'), ms)),
});

/** Leaves a stray error behind (a fire-and-forget rejection, or a throw in a timer) and succeeds. */
export const strayTask = defineTask({
  name: 'w.stray',
  input: z.object({ kind: z.enum(['rejection', 'throw']) }),
  handler: ({ kind }) => {
    if (kind === 'rejection') void Promise.reject(new Error('stray rejection from w.stray'));
    else
      setTimeout(() => {
        throw new Error('stray throw from w.stray');
      }, 0);
    return 'ok';
  },
});

export default defineConfig({
  tasks: [...workerTestTasks, markTask, strayTask, busyTask, deafTask],
  worker: {
    concurrency: Number(process.env.TEST_CONCURRENCY ?? 4),
    shutdownTimeoutMs: Number(process.env.TEST_SHUTDOWN_MS ?? 10_000),
    // A test that waits out a killed worker's lease (timeout + margin) sets a short margin.
    leaseMarginMs: Number(process.env.TEST_LEASE_MARGIN_MS ?? 30_000),
  },
});
