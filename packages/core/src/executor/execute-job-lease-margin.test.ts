import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { MemoryResultStore } from '../memory/memory-result-store';
import { defineTask } from '../task/define-task';
import { makeJob } from '../testing/fixtures';
import { recordingDelivery } from '../testing/recording-delivery';
import { createExecutor, type ExecutionOutcome } from './execute-job';

afterEach(() => vi.useRealTimers());

/**
 * `leaseMarginMs` (config `worker.leaseMarginMs`): a run's lease is its timeout plus that margin,
 * so a copy delivered inside it is deferred and one delivered after it takes the job over.
 */
describe('executor: leaseMarginMs', () => {
  const timeoutMs = 10_000;
  const marginMs = 2000;

  /** Runs the job on an executor with `marginMs`; during the run, a copy `afterMs` later elsewhere. */
  async function copyAfter(afterMs: number, margin: number | undefined) {
    const task = defineTask({
      name: 't',
      input: z.unknown(),
      timeoutMs,
      handler: async (_i, ctx) => {
        if (ctx.attempt !== 1) return 'copy ran';
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(Date.now() + afterMs);
        copy = await other.execute(recordingDelivery({ ...job, attempt: 2 }).d);
        return 'first';
      },
    });
    const results = new MemoryResultStore();
    const deps = { tasks: new Map([['t', task]]), results, resultTtlS: 60 };
    const ex = createExecutor({ ...deps, workerId: 'w', leaseMarginMs: margin });
    const other = createExecutor({ ...deps, workerId: 'w2', leaseMarginMs: margin });
    const job = makeJob({ task: 't' });
    let copy: ExecutionOutcome | undefined;
    const first = await ex.execute(recordingDelivery(job).d);
    return { first, copy, record: await results.get(job.id) };
  }

  it('holds the job for the timeout plus the margin: a copy inside it is deferred', async () => {
    const { first, copy, record } = await copyAfter(timeoutMs + marginMs - 500, marginMs);
    expect(copy).toBe('deferred');
    expect(first).toBe('succeeded');
    expect(record).toMatchObject({ state: 'succeeded', result: 'first' });
  });

  it('lets a copy take the job over once the timeout plus the margin has passed', async () => {
    const { copy, record } = await copyAfter(timeoutMs + marginMs + 500, marginMs);
    expect(copy).toBe('succeeded');
    expect(record).toMatchObject({ state: 'succeeded', result: 'copy ran' });
  });

  it('defaults to 30 s (LEASE_MARGIN_MS): the same copy is still deferred', async () => {
    const { copy } = await copyAfter(timeoutMs + marginMs + 500, undefined);
    expect(copy).toBe('deferred');
  });
});
