import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryBroker } from '../memory/memory-broker';
import { MemoryResultStore } from '../memory/memory-result-store';
import { defineTask, type TaskContext } from '../task/define-task';
import { DeferError } from '../task/task-errors';
import { eventually, makeJob } from '../testing/fixtures';
import { recordingDelivery } from '../testing/recording-delivery';
import { DEFER_WINDOW_MS, MAX_RETRY_AFTER_MS } from './errors';
import { createExecutor, type ExecutionEvent } from './execute-job';

/** One task `t` running `handler`, executed over a memory store. */
function runner(handler: (ctx: TaskContext) => unknown) {
  const task = defineTask({ name: 't', input: z.unknown(), handler: (_i, ctx) => handler(ctx) });
  const results = new MemoryResultStore();
  const events: ExecutionEvent[] = [];
  const ex = createExecutor({
    tasks: new Map([['t', task]]),
    results,
    workerId: 'w',
    resultTtlS: 60,
    onEvent: (e) => events.push(e),
    random: () => 0.5,
  });
  return { ex, results, events };
}

describe('executor: DeferError (run me again later; not a failure)', () => {
  it('runs the job again after the delay through the memory broker, with its attempt unspent', async () => {
    const runs: number[] = [];
    const t0 = Date.now();
    const { ex, results, events } = runner((ctx) => {
      runs.push(ctx.attempt);
      if (runs.length < 3) throw new DeferError('upstream not ready', 100);
      return 'ready';
    });
    const broker = new MemoryBroker();
    const job = makeJob({ task: 't', maxAttempts: 1 });
    const outcomes: string[] = [];
    await broker.consume(job.queue, async (d) => {
      const out = await ex.execute(d);
      outcomes.push(out);
      if (out === 'deferred')
        expect(await results.get(job.id)).toMatchObject({ state: 'retrying', attempts: 1 });
    });
    await broker.publish(job.queue, job);
    await eventually(() => outcomes.length === 3);
    // maxAttempts 1: a deferral spending its attempt would have failed the job at once.
    expect(outcomes).toEqual(['deferred', 'deferred', 'succeeded']);
    expect(runs).toEqual([1, 1, 1]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    const rec = await results.get(job.id);
    expect(rec).toMatchObject({ state: 'succeeded', attempts: 1, result: 'ready' });
    expect(rec?.error).toBeUndefined();
    expect(events.filter((e) => e.type === 'deferred')).toMatchObject([
      { attempt: 1, delayMs: 100, reason: 'task' },
      { attempt: 1, delayMs: 100, reason: 'task' },
    ]);
    expect(broker.deadLetters(job.queue)).toEqual([]);
    await broker.close();
  });

  it('defers by the asked delay, bounded to 0..24 h; NaN takes the backoff policy', async () => {
    for (const [asked, expected] of [
      [1234.4, 1234],
      [-5, 0],
      [Number.POSITIVE_INFINITY, MAX_RETRY_AFTER_MS],
      [Number.NaN, 5], // the backoff policy's delay after attempt 1 (base 10 ms, full jitter at 0.5)
    ] as const) {
      const { ex } = runner(() => {
        throw new DeferError('later', asked);
      });
      const { d, calls } = recordingDelivery(makeJob({ task: 't' }));
      expect(await ex.execute(d)).toBe('deferred');
      expect(calls).toEqual([{ op: 'defer', arg: expected }]);
    }
  });

  // A task that defers forever would loop forever: deferrals are free only within a window from
  // the job's enqueue; past it, a DeferError is a RetryAfterError, so maxAttempts ends the job.
  it('spends an attempt once the job is older than the defer window, and fails on the last', async () => {
    const { ex, results } = runner(() => {
      throw new DeferError('still not ready', 1000);
    });
    const old = new Date(Date.now() - DEFER_WINDOW_MS - 1000).toISOString();
    const job = makeJob({ task: 't', maxAttempts: 2, enqueuedAt: old });
    const first = recordingDelivery(job);
    expect(await ex.execute(first.d)).toBe('retried');
    expect(first.calls).toEqual([{ op: 'retry', arg: 1000 }]);
    const last = recordingDelivery({ ...job, attempt: 2 });
    expect(await ex.execute(last.d)).toBe('failed');
    expect(last.calls[0]).toMatchObject({ op: 'deadLetter', arg: expect.stringMatching(/DeferError/) });
    expect(await results.get(job.id)).toMatchObject({ state: 'failed', attempts: 2 });
  });

  // An enqueuedAt in the future made the job's age negative: every deferral free, for ever.
  it('spends an attempt when the enqueuedAt is further ahead than the window; a skewed clock does not', async () => {
    const { ex } = runner(() => {
      throw new DeferError('still not ready', 1000);
    });
    const far = recordingDelivery(
      makeJob({ task: 't', maxAttempts: 2, enqueuedAt: '9999-01-01T00:00:00.000Z' }),
    );
    expect(await ex.execute(far.d)).toBe('retried');
    const skewed = new Date(Date.now() + 3_600_000).toISOString();
    const near = recordingDelivery(makeJob({ task: 't', maxAttempts: 2, enqueuedAt: skewed }));
    expect(await ex.execute(near.d)).toBe('deferred');
  });
});
