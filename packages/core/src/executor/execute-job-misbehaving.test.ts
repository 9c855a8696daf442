import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryResultStore } from '../memory/memory-result-store';
import { defineTask, type TaskContext } from '../task/define-task';
import { makeJob, sleep } from '../testing/fixtures';
import { recordingDelivery } from '../testing/recording-delivery';
import { createExecutor } from './execute-job';

/** One task named `t` with `handler`, run by an executor over a memory store. */
function runner(handler: (input: unknown, ctx: never) => unknown, timeoutMs?: number) {
  const task = defineTask({ name: 't', input: z.unknown(), timeoutMs, handler: handler as never });
  const results = new MemoryResultStore();
  const ex = createExecutor({ tasks: new Map([['t', task]]), results, workerId: 'w', resultTtlS: 60 });
  return { ex, results };
}

describe('executor: tasks that misbehave', () => {
  it('retries a task that throws a value with no usable text (it used to reject: a redelivery loop)', async () => {
    for (const thrown of [Object.create(null), Object.assign(new Error('x'), { message: 42 })]) {
      const { ex, results } = runner(() => {
        throw thrown;
      });
      const job = makeJob({ task: 't' });
      const { d, calls } = recordingDelivery(job);
      expect(await ex.execute(d)).toBe('retried');
      expect(calls.map((c) => c.op)).toEqual(['retry']);
      expect((await results.get(job.id))?.state).toBe('retrying');
    }
  });

  it('fails a job whose result JSON cannot hold, instead of releasing it to run again', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const fn = () => 1;
    for (const value of [10n, { total: 10n }, cyclic, fn, Symbol('s')]) {
      const { ex, results } = runner(() => value);
      const job = makeJob({ task: 't' });
      const { d, calls } = recordingDelivery(job);
      expect(await ex.execute(d)).toBe('failed');
      expect(calls).toEqual([
        { op: 'deadLetter', arg: expect.stringMatching(/^result not serializable: ResultNotSerializable: /) },
      ]);
      expect(await results.get(job.id)).toMatchObject({
        state: 'failed',
        error: { type: 'ResultNotSerializable', retryable: false },
      });
    }
  });

  it('still rejects unsettled when the store fails on a result that is fine', async () => {
    const { ex, results } = runner(() => ({ ok: true }));
    const real = results.transition.bind(results);
    results.transition = (id, to, patch) =>
      to === 'succeeded' ? Promise.reject(new Error('redis down')) : real(id, to, patch);
    const { d, calls } = recordingDelivery(makeJob({ task: 't' }));
    await expect(ex.execute(d)).rejects.toThrow('redis down');
    expect(calls).toEqual([]);
  });

  it('a progress report the store refuses, not awaited by the task, is no unhandled rejection', async () => {
    // Unhandled, it ended a Lambda invocation (the runtime exits on one) and so its whole batch.
    const stray: unknown[] = [];
    const onStray = (err: unknown) => stray.push(err);
    process.on('unhandledRejection', onStray);
    try {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      for (const value of [10n, cyclic]) {
        const { ex, results } = runner((_input, ctx: TaskContext) => {
          void ctx.progress(value);
          return 'done';
        });
        const job = makeJob({ task: 't' });
        expect(await ex.execute(recordingDelivery(job).d)).toBe('succeeded');
        expect(await results.get(job.id)).toMatchObject({ state: 'succeeded', result: 'done' });
      }
      await sleep(20);
      expect(stray).toEqual([]);
      // Awaited, the task still hears of it.
      const { ex, results } = runner((_input, ctx: TaskContext) =>
        ctx.progress(10n).then(
          () => 'recorded',
          (e: Error) => e.name,
        ),
      );
      const job = makeJob({ task: 't' });
      expect(await ex.execute(recordingDelivery(job).d)).toBe('succeeded');
      expect(await results.get(job.id)).toMatchObject({ result: 'TypeError' });
    } finally {
      process.off('unhandledRejection', onStray);
    }
  });

  it('ignores progress from a task still going after its timeout (it revived the record and its lease)', async () => {
    const { ex, results } = runner(async (_input, ctx: TaskContext) => {
      if (ctx.attempt > 1) return 'done';
      await sleep(80);
      await ctx.progress('late');
    }, 20);
    const job = makeJob({ task: 't' });
    expect(await ex.execute(recordingDelivery(job).d)).toBe('retried');
    await sleep(120);
    expect(await results.get(job.id)).toMatchObject({ state: 'retrying' });
    const next = recordingDelivery({ ...job, attempt: 2 });
    expect(await ex.execute(next.d)).toBe('succeeded');
  });
});
