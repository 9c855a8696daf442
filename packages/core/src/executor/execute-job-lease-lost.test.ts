import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { MemoryResultStore } from '../memory/memory-result-store';
import { defineTask, type TaskContext } from '../task/define-task';
import { makeJob } from '../testing/fixtures';
import { recordingDelivery } from '../testing/recording-delivery';
import { createExecutor, type ExecutionEvent, LEASE_MARGIN_MS } from './execute-job';

const error = { type: 'Error', message: 'flaky', retryable: true };

/** One task `t` running `handler` over a memory store, as worker `w`. */
function runner(handler: (ctx: TaskContext) => unknown, timeoutMs?: number) {
  const task = defineTask({ name: 't', input: z.unknown(), timeoutMs, handler: (_i, ctx) => handler(ctx) });
  const results = new MemoryResultStore();
  const events: ExecutionEvent[] = [];
  const deps = { tasks: new Map([['t', task]]), results, resultTtlS: 60, cancelPollMs: 5 };
  const ex = createExecutor({ ...deps, workerId: 'w', onEvent: (e) => events.push(e) });
  const other = createExecutor({ ...deps, workerId: 'w2' });
  return { ex, other, results, events };
}

/** What a cooperative task does: stops with its signal's reason once aborted. */
function stopIfAborted(ctx: TaskContext): void {
  if (ctx.signal.aborted) throw ctx.signal.reason;
}

afterEach(() => vi.useRealTimers());

describe('executor: a run told its lease is lost', () => {
  it('aborts ctx.signal with a LeaseLostError when its progress is refused (the job moved on) and skips', async () => {
    const job = makeJob({ task: 't' });
    let reason: unknown;
    let sideEffects = 0;
    const { ex, results, events } = runner(async (ctx) => {
      // Meanwhile, elsewhere: the job was taken over and failed into its retry.
      await results.transition(job.id, 'retrying', { error, ttlS: 60 });
      await ctx.progress({ pct: 50 });
      reason = ctx.signal.reason;
      stopIfAborted(ctx);
      sideEffects++;
      return 'late';
    });
    const { d, calls } = recordingDelivery(job);
    expect(await ex.execute(d)).toBe('skipped');
    expect(reason).toMatchObject({ name: 'LeaseLostError' });
    expect(String((reason as Error).message)).toContain(job.id);
    expect(sideEffects).toBe(0);
    expect(calls).toEqual([{ op: 'ack' }]);
    expect(events.at(-1)).toMatchObject({ type: 'skipped' });
    expect(await results.get(job.id)).toMatchObject({ state: 'retrying', error, attempts: 1 });
  });

  it('aborts with a LeaseLostError when a newer run took the job over after its lease lapsed', async () => {
    const job = makeJob({ task: 't' });
    let reason: unknown;
    const { ex, other, results } = runner(async (ctx) => {
      if (ctx.attempt === 2) return 'second';
      // The worker stalled past its lease; a copy of the job started (and finished) elsewhere.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 31 * 60_000 + LEASE_MARGIN_MS);
      expect(await other.execute(recordingDelivery({ ...job, attempt: 2 }).d)).toBe('succeeded');
      await ctx.progress(1);
      reason = ctx.signal.reason;
      stopIfAborted(ctx);
      return 'stale';
    });
    expect(await ex.execute(recordingDelivery(job).d)).toBe('skipped');
    expect(reason).toMatchObject({ name: 'LeaseLostError' });
    expect(await results.get(job.id)).toMatchObject({ state: 'succeeded', result: 'second' });
  });

  it('aborts with a JobCancelledError when its progress finds the job cancelled', async () => {
    const job = makeJob({ task: 't' });
    let reason: unknown;
    const { ex, results } = runner(async (ctx) => {
      await results.transition(job.id, 'cancelled', {});
      await ctx.progress(1);
      reason = ctx.signal.reason;
      stopIfAborted(ctx);
      return 'after cancel';
    });
    expect(await ex.execute(recordingDelivery(job).d)).toBe('skipped');
    expect(reason).toMatchObject({ name: 'JobCancelledError' });
    expect(await results.get(job.id)).toMatchObject({ state: 'cancelled' });
  });

  it('aborts a run that watches its signal (no progress) once its job has moved on', async () => {
    const job = makeJob({ task: 't' });
    let reason: unknown;
    const { ex, results } = runner(
      (ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            reason = ctx.signal.reason;
            reject(ctx.signal.reason);
          });
          void results.transition(job.id, 'retrying', { error, ttlS: 60 });
        }),
      5000,
    );
    expect(await ex.execute(recordingDelivery(job).d)).toBe('skipped');
    expect(reason).toMatchObject({ name: 'LeaseLostError' });
    expect(await results.get(job.id)).toMatchObject({ state: 'retrying', error });
  });
});

describe('executor: the lease of a healthy run that never reports progress', () => {
  // No heartbeat: a run's lease is its whole timeout plus LEASE_MARGIN_MS, and the executor stops
  // waiting for it at the timeout, so a healthy run cannot lose its job mid-run.
  it('holds the job until past the run timeout: a copy delivered near its end is deferred', async () => {
    const timeoutMs = 30 * 60_000;
    const job = makeJob({ task: 't' });
    let copy: unknown;
    const { ex, other, results } = runner(async (ctx) => {
      if (ctx.attempt !== 1) return 'copy ran';
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + timeoutMs + LEASE_MARGIN_MS - 1000);
      copy = await other.execute(recordingDelivery({ ...job, attempt: 2 }).d);
      return 'first';
    }, timeoutMs);
    expect(await ex.execute(recordingDelivery(job).d)).toBe('succeeded');
    expect(copy).toBe('deferred');
    expect(await results.get(job.id)).toMatchObject({ state: 'succeeded', result: 'first' });
  });
});
