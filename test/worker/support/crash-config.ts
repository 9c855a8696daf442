/**
 * WARREN_CONFIG for the worker-lost test: a task that ends its worker's process mid-run (as a
 * native crash or an out-of-memory abort would), after leaving a trace in Redis.
 */
import { defineConfig, defineTask } from '@warren/core';
import { Redis } from 'ioredis';
import { z } from 'zod';

export const crashTask = defineTask({
  name: 'w.crash',
  input: z.unknown(),
  timeoutMs: 1000, // the dead run's lease (timeout + margin) lapses soon
  retry: { maxAttempts: 1 },
  handler: async (_input, ctx) => {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await redis.rpush(process.env.TEST_TRACE_KEY ?? 'warren-test:trace', `${ctx.jobId}:${ctx.attempt}`);
    process.exit(3);
  },
});

export default defineConfig({
  tasks: [crashTask],
  // The dead run's lease (timeout + margin) is what the next worker waits out: a short margin.
  worker: { leaseMarginMs: Number(process.env.TEST_LEASE_MARGIN_MS ?? 30_000) },
  results: { ttlS: Number(process.env.TEST_RESULT_TTL_S ?? 86_400) },
});
