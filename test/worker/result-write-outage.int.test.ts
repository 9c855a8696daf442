import { defineTask } from '@warren/core';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { runWithPrivateRedis } from './support/private-redis-run';

/**
 * Redis out for ~1.5 s just as a task returns (real RabbitMQ :5672, a private redis-server with
 * AOF so the outage loses nothing). The result write failed, the worker handed the message back,
 * its copy was deferred behind the run's own lease (timeout + 30 s) and then taken for a dead
 * worker's run: WorkerLostError, the job failed (maxAttempts 1) though its task had succeeded
 * and no worker died.
 */
it('a result write refused by a brief Redis outage is recorded once Redis is back, not failed as a lost worker', async () => {
  let runs = 0;
  const { rec, events } = await runWithPrivateRedis(
    `h66rw${process.pid}${Date.now() % 100_000}`,
    (queue, redis) =>
      defineTask({
        name: 'h66.outage',
        queue,
        input: z.object({}),
        timeoutMs: 2000,
        handler: async () => {
          runs++;
          await redis().stop(); // Redis goes away just as the run ends...
          setTimeout(() => void redis().start(), 1500); // ...and is back 1.5 s later
          return { done: runs };
        },
      }),
  );
  expect(rec).toMatchObject({ state: 'succeeded', result: { done: 1 }, attempts: 1 });
  expect(runs).toBe(1);
  expect(events.filter((e) => e.type === 'succeeded')).toHaveLength(1);
}, 40_000);
