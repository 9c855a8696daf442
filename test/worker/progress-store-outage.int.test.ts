import { defineTask } from '@warren/core';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { runWithPrivateRedis } from './support/private-redis-run';

/**
 * Redis out for ~1 s while a task reports its progress (real RabbitMQ :5672, a private
 * redis-server with AOF so the outage loses nothing). ctx.progress() threw the store's error
 * into the task: the attempt failed (maxAttempts 1: the job failed) though its lease, taken for
 * the whole timeout, still held and Redis was back before the task ended.
 */
it('a progress report refused by a brief Redis outage does not fail the run', async () => {
  let runs = 0;
  const { rec, events } = await runWithPrivateRedis(
    `h66pg${process.pid}${Date.now() % 100_000}`,
    (queue, redis) =>
      defineTask({
        name: 'h66.progress',
        queue,
        input: z.object({}),
        timeoutMs: 5000,
        handler: async (_input, ctx) => {
          runs++;
          await ctx.progress({ pct: 10 });
          await redis().stop(); // Redis goes away mid-run...
          const back = new Promise((r) => setTimeout(r, 1000)).then(() => redis().start()); // ...for ~1 s
          await ctx.progress({ pct: 50 }); // a report then is lost, not the run
          await back;
          return { done: runs };
        },
      }),
  );
  expect(rec).toMatchObject({ state: 'succeeded', result: { done: 1 }, attempts: 1 });
  expect(runs).toBe(1);
  expect(events.filter((e) => e.type === 'succeeded')).toHaveLength(1);
}, 40_000);
