import { createExecutor, defineConfig, defineTask, type JobEnvelope, MemoryResultStore } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { expect, it } from 'vitest';
import { z } from 'zod';
import type { RmqEvent } from './rmq-event';
import { createRmqHandler } from './rmq-handler';

// Lambda acks an Amazon MQ batch only when the invocation returns: one that failed or timed out
// after a job's retry was published gets the whole batch again, that job's attempt 1 included.
it('a batch redelivered after a job retried in it: attempt 1 is skipped, not run and retried again', async () => {
  const runs: number[] = [];
  const config = defineConfig({
    tasks: [
      defineTask({
        name: 'r.flaky',
        input: z.unknown(),
        handler: (_i, ctx) => {
          runs.push(ctx.attempt);
          throw new Error('try later');
        },
      }),
    ],
  });
  const results = new MemoryResultStore();
  const executor = createExecutor({ tasks: config.tasks, results, workerId: 't', resultTtlS: 60 });
  const published: JobEnvelope[] = [];
  const handler = createRmqHandler({
    executor,
    concurrency: 1,
    publisher: { publish: async (_q, job) => void published.push(job), close: async () => {} },
    sink: { deadLetter: async () => {}, dueAt: () => undefined, hop: async () => {} },
  });
  const job = makeJob({ task: 'r.flaky', queue: 'rq', input: {}, maxAttempts: 3 });
  const batch = (redelivered: boolean): RmqEvent => ({
    eventSource: 'aws:rmq',
    eventSourceArn: 'arn:aws:mq:us-east-1:1:broker:b',
    rmqMessagesByQueue: {
      'rq::/': [
        { basicProperties: {}, redelivered, data: Buffer.from(JSON.stringify(job)).toString('base64') },
      ],
    },
  });
  const lambda = { getRemainingTimeInMillis: () => 60_000 };
  await handler(batch(false), lambda);
  await handler(batch(true), lambda);
  expect(runs).toEqual([1]);
  expect(published.map((j) => j.attempt)).toEqual([2]);
  expect(await results.get(job.id)).toMatchObject({ state: 'retrying', attempts: 1 });
});
