import { createExecutor, defineConfig, defineTask, type JobEnvelope, MemoryResultStore } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RmqEvent } from './rmq-event';
import { createRmqHandler } from './rmq-handler';

const lambda = { remainingMs: 0, getRemainingTimeInMillis: () => lambda.remainingMs };

const tasks = defineConfig({
  tasks: [
    defineTask({
      // Stands for a task that ran `ms`: the fake Lambda context's remaining time drops by it.
      name: 'r.tick',
      input: z.object({ ms: z.number() }),
      handler: ({ ms }) => {
        lambda.remainingMs -= ms;
      },
    }),
  ],
}).tasks;

const event = (jobs: JobEnvelope[]): RmqEvent => ({
  eventSource: 'aws:rmq',
  eventSourceArn: 'arn:aws:mq:us-east-1:1:broker:b',
  rmqMessagesByQueue: {
    'rq::/': jobs.map((j) => ({
      basicProperties: {},
      redelivered: false,
      data: Buffer.from(JSON.stringify(j)).toString('base64'),
    })),
  },
});

describe('createRmqHandler', () => {
  it('messages that would start with too little invocation time left go back to their queue unchanged, unrun', async () => {
    const results = new MemoryResultStore();
    const executor = createExecutor({ tasks, results, workerId: 't', resultTtlS: 60 });
    const hops: { queue: string; body: string; dueAt: number }[] = [];
    const published: JobEnvelope[] = [];
    const handler = createRmqHandler({
      executor,
      concurrency: 1,
      publisher: { publish: async (_q, job) => void published.push(job), close: async () => {} },
      sink: {
        deadLetter: async () => {},
        dueAt: () => undefined,
        hop: async (queue, m, dueAt) => void hops.push({ queue, body: m.content.toString(), dueAt }),
      },
    });
    const jobs = [50_000, 4_000, 0].map((ms) => makeJob({ task: 'r.tick', queue: 'rq', input: { ms } }));
    lambda.remainingMs = 60_000;
    const t0 = Date.now();
    await handler(event(jobs), lambda); // does not throw: the batch is not redelivered
    // 58.5 s, then 8.5 s left (both run), then 4.5 s: below 5 s + the executor's 1 s.
    expect((await results.get(jobs[1]!.id))?.state).toBe('succeeded');
    expect(await results.get(jobs[2]!.id)).toBeUndefined(); // not run, no attempt spent
    expect(hops).toEqual([{ queue: 'rq', body: JSON.stringify(jobs[2]), dueAt: expect.any(Number) }]);
    expect(hops[0]!.dueAt).toBeLessThanOrEqual(Date.now()); // due now: straight to the queue
    expect(hops[0]!.dueAt).toBeGreaterThanOrEqual(t0);
    expect(published).toEqual([]);
  });
});
