import {
  createExecutor,
  defineConfig,
  defineTask,
  type JobEnvelope,
  MemoryResultStore,
  RetryAfterError,
} from '@warren/core';
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

  it('an infrastructure failure hands that one message back: the batch is not redelivered, retries are not repeated', async () => {
    // Failing the invocation made Lambda redeliver the whole batch, so a job retried in it ran
    // again and published a second attempt-2 copy.
    const flaky = defineTask({
      name: 'r.flaky',
      input: z.unknown(),
      handler: () => {
        throw new Error('try later');
      },
    });
    const config = defineConfig({ tasks: [...tasks.values(), flaky] });
    const results = new MemoryResultStore();
    const storeDown = makeJob({ task: 'r.tick', queue: 'rq', input: { ms: 0 } });
    const transition = results.transition.bind(results);
    results.transition = (id, to, patch) =>
      id === storeDown.id ? Promise.reject(new Error('redis down')) : transition(id, to, patch);
    const executor = createExecutor({ tasks: config.tasks, results, workerId: 't', resultTtlS: 60 });
    const hops: { body: string; dueAt: number }[] = [];
    const published: JobEnvelope[] = [];
    let hopFails = false;
    const handler = createRmqHandler({
      executor,
      concurrency: 1,
      publisher: { publish: async (_q, job) => void published.push(job), close: async () => {} },
      sink: {
        deadLetter: async () => {},
        dueAt: () => undefined,
        hop: async (_q, m, dueAt) => {
          if (hopFails) throw new Error('broker down too');
          hops.push({ body: m.content.toString(), dueAt });
        },
      },
    });
    const retried = makeJob({ task: 'r.flaky', queue: 'rq', maxAttempts: 3 });
    lambda.remainingMs = 60_000;
    const t0 = Date.now();
    await handler(event([retried, storeDown]), lambda);
    expect(published.map((j) => [j.id, j.attempt])).toEqual([[retried.id, 2]]);
    expect(hops).toEqual([{ body: JSON.stringify(storeDown), dueAt: expect.any(Number) }]);
    expect(hops[0]!.dueAt).toBeGreaterThanOrEqual(t0 + 1000); // after a pause: no hot loop
    // When it cannot be handed back either, the invocation fails (Lambda redelivers the batch).
    hopFails = true;
    await expect(handler(event([storeDown]), lambda)).rejects.toThrow(/1 of 1/);
  });

  it('a message whose task timeout no longer fits in the invocation goes back unrun (timeoutOf)', async () => {
    const results = new MemoryResultStore();
    const executor = createExecutor({ tasks, results, workerId: 't', resultTtlS: 60 });
    const hops: string[] = [];
    const handler = createRmqHandler({
      executor,
      concurrency: 1,
      publisher: { publish: async () => {}, close: async () => {} },
      sink: {
        deadLetter: async () => {},
        dueAt: () => undefined,
        hop: async (_q, m) => void hops.push(m.content.toString()),
      },
      timeoutOf: (task) => (task === 'r.tick' ? 20_000 : undefined),
    });
    const jobs = [40_000, 0].map((ms) => makeJob({ task: 'r.tick', queue: 'rq', input: { ms } }));
    lambda.remainingMs = 60_000;
    await handler(event(jobs), lambda);
    // 58.5 s for tasks, then 18.5 s: above the 6 s floor, but under the 20 s (+1 s) it may take.
    expect((await results.get(jobs[0]!.id))?.state).toBe('succeeded');
    expect(await results.get(jobs[1]!.id)).toBeUndefined();
    expect(hops).toEqual([JSON.stringify(jobs[1])]);
  });
});

describe('createRmqHandler: a message the worker itself fails on', () => {
  it('is handed back 4 times, then dead-lettered with the error (its record failed), not looped', async () => {
    const job = makeJob({ task: 'r.tick', queue: 'rq', input: { ms: 0 } });
    // A defect on this one job: its `running` write throws a TypeError, every time.
    class Flawed extends MemoryResultStore {
      override transition(...args: Parameters<MemoryResultStore['transition']>) {
        if (args[0] === job.id && args[1] === 'running')
          return Promise.reject(new TypeError('x is undefined'));
        return super.transition(...args);
      }
    }
    const results = new Flawed();
    const executor = createExecutor({ tasks, results, workerId: 't', resultTtlS: 60 });
    const hops: string[] = [];
    const dead: string[] = [];
    const handler = createRmqHandler({
      executor,
      concurrency: 1,
      publisher: { publish: async () => {}, close: async () => {} },
      sink: {
        deadLetter: async (_q, _m, reason) => void dead.push(reason),
        dueAt: () => undefined,
        hop: async (_q, m) => void hops.push(m.content.toString()),
      },
    });
    lambda.remainingMs = 60_000;
    for (let i = 0; i < 5; i++) await handler(event([job]), lambda);
    expect(hops).toHaveLength(4);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatch(/failed on this message 5 times in a row.*TypeError: x is undefined/);
    expect(await results.get(job.id)).toMatchObject({ state: 'failed', error: { type: 'WorkerError' } });
  });

  it("a retry's copy carries its due time in the body (notBefore: a Celery eta), not only the tier's header", async () => {
    // Longer than a tier, it comes back to the queue early; a Python Celery worker reads eta and
    // the SQS bridge drops headers: with no notBefore they ran it at once.
    const later = defineTask({
      name: 'r.later',
      input: z.unknown(),
      handler: () => {
        throw new RetryAfterError('not yet', 90_000);
      },
    });
    const config = defineConfig({ tasks: [later] });
    const results = new MemoryResultStore();
    const executor = createExecutor({ tasks: config.tasks, results, workerId: 't', resultTtlS: 60 });
    const published: { job: JobEnvelope; delayMs?: number }[] = [];
    const handler = createRmqHandler({
      executor,
      concurrency: 1,
      publisher: {
        publish: async (_q, job, opts) => void published.push({ job, delayMs: opts?.delayMs }),
        close: async () => {},
      },
      sink: { deadLetter: async () => {}, dueAt: () => undefined, hop: async () => {} },
    });
    lambda.remainingMs = 60_000;
    const t0 = Date.now();
    await handler(event([makeJob({ task: 'r.later', queue: 'rq', maxAttempts: 3 })]), lambda);
    expect(published.map((p) => [p.job.attempt, p.delayMs])).toEqual([[2, 90_000]]);
    const due = Date.parse(published[0]!.job.notBefore ?? '');
    expect(due).toBeGreaterThanOrEqual(t0 + 90_000);
    expect(due).toBeLessThanOrEqual(Date.now() + 90_000);
  });
});
