import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryResultStore } from '../memory/memory-result-store';
import { defineTask } from '../task/define-task';
import { makeJob } from '../testing/fixtures';
import { recordingDelivery } from '../testing/recording-delivery';
import { createExecutor, type ExecutionEvent } from './execute-job';

const always = defineTask({
  name: 'always',
  input: z.unknown(),
  retry: { maxAttempts: 3 },
  handler: (_i, ctx) => {
    throw new Error(`fails (attempt ${ctx.attempt})`);
  },
});

/** A job run to its last attempt and failed into the DLQ. */
async function failedJob() {
  const results = new MemoryResultStore();
  const events: ExecutionEvent[] = [];
  const ex = createExecutor({
    tasks: new Map([['always', always]]),
    results,
    workerId: 'w',
    resultTtlS: 60,
    onEvent: (e) => events.push(e),
  });
  const job = makeJob({ task: 'always', maxAttempts: 3 });
  for (const attempt of [1, 2])
    expect(await ex.execute(recordingDelivery({ ...job, attempt }).d)).toBe('retried');
  const last = recordingDelivery({ ...job, attempt: 3 });
  expect(await ex.execute(last.d)).toBe('failed');
  expect(last.calls).toEqual([{ op: 'deadLetter', arg: expect.stringMatching(/failed after 3 attempts/) }]);
  return { ex, results, events, job };
}

describe('executor: a copy of an earlier attempt of a job that failed since', () => {
  // The connection dropped while attempt 1 ran: its message came back, found the run's lease and
  // was deferred (a copy, attempt 1); the run then failed into retries, and attempt 3 into the DLQ.
  // The copy came back after the lease and was dead-lettered again: two DLQ messages for one job
  // (seen on real RabbitMQ). Its own attempt was retried long ago: it is a duplicate, acked.
  it('is acked as a duplicate, not dead-lettered a second time', async () => {
    const { ex, results, events, job } = await failedJob();
    const stale = recordingDelivery({ ...job, attempt: 1 });
    expect(await ex.execute(stale.d)).toBe('skipped');
    expect(stale.calls).toEqual([{ op: 'ack' }]);
    expect(events.at(-1)).toMatchObject({ type: 'skipped', reason: 'already-finished', attempt: 1 });
    expect(await results.get(job.id)).toMatchObject({ state: 'failed', attempts: 3 });
  });

  it('a copy of the last attempt is still dead-lettered again (its DLQ copy may not have landed)', async () => {
    const { ex, job } = await failedJob();
    const back = recordingDelivery({ ...job, attempt: 3 });
    expect(await ex.execute(back.d)).toBe('failed');
    expect(back.calls).toEqual([{ op: 'deadLetter', arg: expect.stringMatching(/already failed/) }]);
  });
});

describe('executor: a copy of the attempt that just failed, its retry waiting', () => {
  function setup() {
    const results = new MemoryResultStore();
    const events: ExecutionEvent[] = [];
    const ex = createExecutor({
      tasks: new Map([['always', always]]),
      results,
      workerId: 'w',
      resultTtlS: 60,
      onEvent: (e) => events.push(e),
    });
    return { ex, results, events, job: makeJob({ task: 'always', maxAttempts: 3 }) };
  }

  // Its ack lost with the connection (or deferred behind the run's lease) after the retry copy was
  // confirmed: the record still said retrying after attempt 1, so it ran attempt 1 again beside
  // attempt 2 (seen on real RabbitMQ: two runs of attempt 1, two copies of attempt 2).
  it('is acked as a duplicate once the retry copy was confirmed', async () => {
    const { ex, results, events, job } = setup();
    expect(await ex.execute(recordingDelivery({ ...job, attempt: 1 }).d)).toBe('retried');
    const stale = recordingDelivery({ ...job, attempt: 1 });
    expect(await ex.execute(stale.d)).toBe('skipped');
    expect(stale.calls).toEqual([{ op: 'ack' }]);
    expect(events.at(-1)).toMatchObject({ type: 'skipped', reason: 'not-owner', attempt: 1 });
    expect(await results.get(job.id)).toMatchObject({ state: 'retrying', attempts: 1 });
    // The retry itself runs.
    expect(await ex.execute(recordingDelivery({ ...job, attempt: 2 }).d)).toBe('retried');
  });

  it('runs when the retry copy was never confirmed (it is the only copy)', async () => {
    const { ex, job } = setup();
    const first = recordingDelivery({ ...job, attempt: 1 });
    first.d.retry = () => Promise.reject(new Error('publish not confirmed'));
    await expect(ex.execute(first.d)).rejects.toThrow('publish not confirmed');
    const back = recordingDelivery({ ...job, attempt: 1 });
    expect(await ex.execute(back.d)).toBe('retried');
    expect(back.calls).toEqual([{ op: 'retry', arg: expect.any(Number) }]);
  });
});
