import { defineTask, NonRetriableError } from '@warren/core';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { runWithPrivateRedis } from './support/private-redis-run';

/**
 * Redis out for ~1.5 s just as a task fails for good (NonRetriableError; real RabbitMQ :5672, a
 * private redis-server with AOF so the outage loses nothing). The `failed` write threw, the
 * worker handed the message back, its copy was deferred behind the run's own lease (timeout +
 * 30 s) and then failed the job as a dead worker's run: the record said WorkerLostError, the
 * task's own error was lost.
 */
it('a failure write refused by a brief Redis outage keeps the task error once Redis is back, not a lost worker', async () => {
  let runs = 0;
  const { rec, events } = await runWithPrivateRedis(
    `h66fw${process.pid}${Date.now() % 100_000}`,
    (queue, redis) =>
      defineTask({
        name: 'h66.fails',
        queue,
        input: z.object({}),
        timeoutMs: 2000,
        handler: async () => {
          runs++;
          await redis().stop(); // Redis goes away just as the run ends...
          setTimeout(() => void redis().start(), 1500); // ...and is back 1.5 s later
          throw new NonRetriableError('the order is void');
        },
      }),
  );
  expect(rec).toMatchObject({
    state: 'failed',
    error: { type: 'NonRetriableError', message: 'the order is void' },
    attempts: 1,
  });
  expect(runs).toBe(1);
  expect(events.filter((e) => e.type === 'failed')).toHaveLength(1);
}, 40_000);
