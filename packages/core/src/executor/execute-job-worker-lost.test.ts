import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryResultStore } from '../memory/memory-result-store';
import { defineTask } from '../task/define-task';
import { makeJob, sleep } from '../testing/fixtures';
import { recordingDelivery } from '../testing/recording-delivery';
import { createExecutor, type ExecutionEvent } from './execute-job';

/** A job whose record says `running` under a worker that died (its lease has lapsed). */
async function orphaned(maxAttempts: number, attempt: number) {
  let runs = 0;
  const task = defineTask({
    name: 't',
    input: z.unknown(),
    retry: { maxAttempts },
    handler: () => ++runs,
  });
  const results = new MemoryResultStore();
  const events: ExecutionEvent[] = [];
  const ex = createExecutor({
    tasks: new Map([['t', task]]),
    results,
    workerId: 'w',
    resultTtlS: 60,
    onEvent: (e) => events.push(e),
  });
  const job = makeJob({ task: 't', maxAttempts, attempt });
  await results.transition(job.id, 'running', {
    task: 't',
    queue: job.queue,
    attempts: attempt,
    owner: 'dead-worker/1',
    leaseMs: 1,
  });
  await sleep(5);
  return { ex, results, events, job, runs: () => runs };
}

// A task that kills its worker (process.exit, an out-of-memory abort, a native crash) left its
// record running; RabbitMQ handed the message back with the same attempt, the next worker took the
// job over once the lease lapsed and ran it as that attempt again: with the real CLI a job with
// maxAttempts 2 ran 5 times in 134 s, each run taking its worker down, and was never failed.
describe('executor: taking over a run whose worker died (lostRunSpendsAttempt, AMQP)', () => {
  it('spends the dead run’s attempt: retried as the next attempt, not run as the same one', async () => {
    const o = await orphaned(3, 1);
    const { d, calls } = recordingDelivery(o.job);
    expect(await o.ex.execute(d, { lostRunSpendsAttempt: true })).toBe('retried');
    expect(o.runs()).toBe(0);
    expect(calls).toEqual([{ op: 'retry', arg: expect.any(Number) }]);
    expect(await o.results.get(o.job.id)).toMatchObject({
      state: 'retrying',
      attempts: 1,
      error: { type: 'WorkerLostError', retryable: true },
    });
    expect(o.events.at(-1)).toMatchObject({ type: 'retried', error: { type: 'WorkerLostError' } });
  });

  it('fails the job into the DLQ when the dead run was its last attempt', async () => {
    const o = await orphaned(2, 2);
    const { d, calls } = recordingDelivery(o.job);
    expect(await o.ex.execute(d, { lostRunSpendsAttempt: true })).toBe('failed');
    expect(o.runs()).toBe(0);
    expect(calls).toEqual([
      { op: 'deadLetter', arg: expect.stringMatching(/^failed after 2 attempts: WorkerLostError: /) },
    ]);
    expect(await o.results.get(o.job.id)).toMatchObject({
      state: 'failed',
      error: { type: 'WorkerLostError' },
    });
  });

  it('runs the job when the transport counted the lost run already, or without the option', async () => {
    const o = await orphaned(3, 1);
    // SQS: the envelope says 1, the second receive makes it attempt 2.
    expect(await o.ex.execute(recordingDelivery(o.job, 2).d, { lostRunSpendsAttempt: true })).toBe(
      'succeeded',
    );
    expect(o.runs()).toBe(1);
    const p = await orphaned(3, 2);
    expect(await p.ex.execute(recordingDelivery(p.job).d)).toBe('succeeded');
    expect(p.runs()).toBe(1);
  });
});

// SQS counts every receive (attemptCountsReceives): the receive after a crash counted the lost
// run, and a copy deferred behind its lease carries that count in its envelope. Spending it again
// cost the SQS poll worker two attempts per crash (a job with maxAttempts 2 failed unrun after one
// crash), and a lost last attempt ran again as attempt 3 of 2 (helper-79).
describe('executor: taking over a lost run on a transport that counts receives (SQS)', () => {
  it('runs a deferred copy that carries the counted attempt, without spending another', async () => {
    const o = await orphaned(2, 1);
    const copy = { ...o.job, attempt: 2 };
    const d = { ...recordingDelivery(copy, 2).d, attemptCountsReceives: true };
    expect(await o.ex.execute(d, { lostRunSpendsAttempt: true })).toBe('succeeded');
    expect(o.runs()).toBe(1);
    expect(await o.results.get(o.job.id)).toMatchObject({ state: 'succeeded', attempts: 2 });
  });

  it('fails the job, unrun, when the count passed maxAttempts: the lost run was the last', async () => {
    const o = await orphaned(2, 2);
    const { d: base, calls } = recordingDelivery(o.job, 3);
    expect(await o.ex.execute({ ...base, attemptCountsReceives: true })).toBe('failed');
    expect(o.runs()).toBe(0);
    expect(calls).toEqual([
      { op: 'deadLetter', arg: expect.stringMatching(/^failed after 2 attempts: WorkerLostError: /) },
    ]);
    expect(await o.results.get(o.job.id)).toMatchObject({
      state: 'failed',
      attempts: 2,
      error: { type: 'WorkerLostError' },
    });
  });
});
