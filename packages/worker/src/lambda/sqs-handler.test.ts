import { createExecutor, defineConfig, defineTask, type JobEnvelope, MemoryResultStore } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSqsHandler, type LambdaSqsDelivery, type SqsRecordMapper } from './sqs-handler';

const lambda = { remainingMs: 0, getRemainingTimeInMillis: () => lambda.remainingMs };

const tasks = defineConfig({
  tasks: [
    defineTask({
      name: 'h.add',
      input: z.object({ a: z.number(), b: z.number() }),
      handler: ({ a, b }) => a + b,
    }),
    defineTask({
      name: 'h.flaky',
      input: z.unknown(),
      handler: () => {
        throw new Error('try again');
      },
    }),
    defineTask({
      // Stands for a task that ran `ms`: the fake Lambda context's remaining time drops by it.
      name: 'h.tick',
      input: z.object({ ms: z.number() }),
      handler: ({ ms }) => {
        lambda.remainingMs -= ms;
      },
    }),
  ],
}).tasks;

const record = (job: JobEnvelope, i: number): SQSRecord =>
  ({
    messageId: `m${i}`,
    body: JSON.stringify(job),
    eventSourceARN: 'arn:aws:sqs:us-east-1:1:q',
  }) as SQSRecord;

/** A fake mapper in the shape of @warren/sqs's: deliveries that record how they were settled. */
function setup(deferKeeps = true) {
  const results = new MemoryResultStore();
  const executor = createExecutor({ tasks, results, workerId: 't', resultTtlS: 60 });
  const settled = new Map<string, string>();
  const records: SqsRecordMapper = {
    async map(r) {
      const job = JSON.parse(r.body) as JobEnvelope;
      let keep = false;
      const kept = (how: string) => {
        keep = true;
        settled.set(job.id, how);
      };
      const delivery: LambdaSqsDelivery = {
        job,
        attempt: job.attempt,
        redelivered: false,
        get keep() {
          return keep;
        },
        ack: async () => void settled.set(job.id, 'ack'),
        retry: async (ms) => kept(`retry ${ms}`),
        deadLetter: async () => void settled.set(job.id, 'dead-letter'),
        release: async () => kept('release'),
        defer: async (ms) => {
          kept(`defer ${ms}`);
          keep = deferKeeps; // false: the mapper sent a fresh copy, the original must be deleted
        },
      };
      return { ok: true, delivery };
    },
    deadLetter: async () => false,
  };
  const handler = createSqsHandler({ executor, records, concurrency: 1 });
  return { results, settled, handler };
}

describe('createSqsHandler', () => {
  it('a job whose notBefore is ahead is not run: its visibility is set to the time left and it is reported', async () => {
    const { results, settled, handler } = setup();
    const later = makeJob({
      task: 'h.add',
      input: { a: 1, b: 2 },
      notBefore: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const now = makeJob({ task: 'h.add', input: { a: 1, b: 2 } });
    const out = await handler({ Records: [record(later, 0), record(now, 1)] });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(await results.get(later.id)).toBeUndefined(); // record untouched, no attempt spent
    const ms = Number(settled.get(later.id)?.split(' ')[1]);
    expect(ms).toBeGreaterThan(3_590_000);
    expect(ms).toBeLessThanOrEqual(3_600_000);
    expect((await results.get(now.id))?.state).toBe('succeeded');
  });

  it('a job due in under a second is run when due in this invocation, not handed back a DelaySeconds round', async () => {
    const { results, settled, handler } = setup();
    const soon = makeJob({
      task: 'h.add',
      input: { a: 2, b: 2 },
      notBefore: new Date(Date.now() + 300).toISOString(),
    });
    lambda.remainingMs = 60_000;
    const out = await handler({ Records: [record(soon, 0)] }, lambda);
    expect(out.batchItemFailures).toEqual([]);
    expect(settled.get(soon.id)).toBe('ack');
    const rec = await results.get(soon.id);
    expect(rec?.result).toBe(4);
    expect(Date.parse(rec!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(soon.notBefore!));
  });

  it('records that would start with too little invocation time left are handed back at once, not run', async () => {
    const { results, settled, handler } = setup();
    const jobs = [50_000, 4_000, 0, 0].map((ms) => makeJob({ task: 'h.tick', input: { ms } }));
    lambda.remainingMs = 60_000;
    const out = await handler({ Records: jobs.map(record) }, lambda);
    // Left for the task after the 1.5 s settle reserve: 58.5 s, then 8.5 s (runs: at least 5 s
    // + the executor's 1 s), then 4.5 s: the last two are handed back with visibility 0.
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }]);
    expect((await results.get(jobs[1]!.id))?.state).toBe('succeeded');
    for (const j of jobs.slice(2)) {
      expect(settled.get(j.id)).toBe('defer 0');
      expect(await results.get(j.id)).toBeUndefined(); // no attempt spent
    }
  });

  it('the first record of an invocation always starts, however short the invocation', async () => {
    const { results, handler } = setup();
    const job = makeJob({ task: 'h.add', input: { a: 1, b: 2 } });
    const jobs = [job, makeJob({ task: 'h.add', input: { a: 1, b: 2 } })];
    lambda.remainingMs = 3_000; // Lambda's default timeout: both start, with half of it or more
    const out = await handler({ Records: jobs.map(record) }, lambda);
    expect(out.batchItemFailures).toEqual([]);
    expect((await results.get(job.id))?.state).toBe('succeeded');
    expect((await results.get(jobs[1]!.id))?.state).toBe('succeeded');
  });

  it('a record the mapper handed back as a fresh copy is not reported (the original is deleted)', async () => {
    const { results, settled, handler } = setup(false);
    const later = makeJob({
      task: 'h.add',
      input: { a: 1, b: 2 },
      notBefore: new Date(Date.now() + 60_000).toISOString(),
    });
    const jobs = [50_000, 4_000, 0].map((ms) => makeJob({ task: 'h.tick', input: { ms } }));
    lambda.remainingMs = 60_000;
    const out = await handler({ Records: [later, ...jobs].map(record) }, lambda);
    expect(out.batchItemFailures).toEqual([]);
    expect(settled.get(later.id)).toMatch(/^defer /);
    expect(settled.get(jobs[2]!.id)).toBe('defer 0');
    expect(await results.get(jobs[2]!.id)).toBeUndefined();
  });

  it('FIFO: a record not done blocks the rest of its message group only; other groups go on', async () => {
    // Stopping the whole batch held jobs of unrelated groups back for a visibility timeout and
    // spent their receives (the forwarder gives every job its own group).
    const { results, settled, handler } = setup();
    const fifo = (job: JobEnvelope, i: number, group: string): SQSRecord =>
      ({
        ...record(job, i),
        eventSourceARN: 'arn:aws:sqs:us-east-1:1:q.fifo',
        attributes: { MessageGroupId: group },
      }) as unknown as SQSRecord;
    const a1 = makeJob({ task: 'h.flaky', input: {}, maxAttempts: 3 }); // retried: kept, reported
    const b1 = makeJob({ task: 'h.add', input: { a: 2, b: 2 } });
    const a2 = makeJob({ task: 'h.add', input: { a: 1, b: 1 } });
    lambda.remainingMs = 60_000;
    const out = await handler({ Records: [fifo(a1, 1, 'a'), fifo(b1, 2, 'b'), fifo(a2, 3, 'a')] }, lambda);
    expect(settled.get(a1.id)).toMatch(/^retry /);
    expect(out.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m1', 'm3']);
    expect((await results.get(b1.id))?.result).toBe(4);
    expect(await results.get(a2.id)).toBeUndefined(); // not run: its group waits for a1
  });
});
