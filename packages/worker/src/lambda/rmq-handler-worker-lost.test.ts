import { createExecutor, defineConfig, defineTask, type JobEnvelope, MemoryResultStore } from '@warren/core';
import { makeJob, sleep } from '@warren/core/testing';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { createRmqHandler } from './rmq-handler';

// An invocation killed mid-run (out of memory, the function's timeout, a task ending the process)
// left the job running; Amazon MQ hands the message back with the same attempt, and each new
// invocation that took it over once the lease lapsed ran it as that attempt, for ever.
it('a job whose invocation died mid-run spends that attempt when taken over (WorkerLostError)', async () => {
  let runs = 0;
  const config = defineConfig({
    tasks: [defineTask({ name: 'r.crash', input: z.unknown(), handler: () => ++runs })],
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
  const job = makeJob({ task: 'r.crash', queue: 'rq', input: {} });
  await results.transition(job.id, 'running', { task: job.task, attempts: 1, owner: 'dead/1', leaseMs: 1 });
  await sleep(5);
  const message = {
    basicProperties: {},
    redelivered: true,
    data: Buffer.from(JSON.stringify(job)).toString('base64'),
  };
  await handler(
    {
      eventSource: 'aws:rmq',
      eventSourceArn: 'arn:aws:mq:us-east-1:1:broker:b',
      rmqMessagesByQueue: { 'rq::/': [message] },
    },
    { getRemainingTimeInMillis: () => 60_000 },
  );
  expect(runs).toBe(0);
  expect(published.map((j) => j.attempt)).toEqual([2]);
  expect(await results.get(job.id)).toMatchObject({ state: 'retrying', error: { type: 'WorkerLostError' } });
});
