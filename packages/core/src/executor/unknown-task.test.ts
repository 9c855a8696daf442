import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryResultStore } from '../memory/memory-result-store';
import { type AnyTask, defineTask } from '../task/define-task';
import { makeJob } from '../testing/fixtures';
import { recordingDelivery } from '../testing/recording-delivery';
import { createExecutor } from './execute-job';

/** The unknown-task grace (worker.unknownTaskGraceMs) around the executor's other rules. */
describe('executor: a job of a task this worker lacks, within its grace', () => {
  const worker = (tasks: readonly AnyTask[], results: MemoryResultStore, id: string, graceMs = 60_000) =>
    createExecutor({
      tasks: new Map(tasks.map((t) => [t.name, t])),
      results,
      workerId: id,
      resultTtlS: 60,
      unknownTaskGraceMs: graceMs,
    });
  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

  it('is handed back unrun (no attempt spent), its record saying why; a job with no record gets one', async () => {
    const results = new MemoryResultStore();
    const job = makeJob({ task: 'demo.new', input: { n: 1 } });
    const { d, calls } = recordingDelivery(job);
    expect(await worker([], results, 'old').execute(d)).toBe('deferred');
    expect(calls).toEqual([{ op: 'defer', arg: 5000 }]);
    const rec = await results.get(job.id);
    expect(rec).toMatchObject({ state: 'retrying', task: 'demo.new', input: { n: 1 }, attempts: 1 });
    expect(rec?.error).toMatchObject({ type: 'UnknownTask', retryable: true });
    expect(rec?.error?.message).toMatch(/\(worker old\): handed back unrun/);
  });

  it('is counted from when the job was due: a scheduled job from its run time, as the record keeps it', async () => {
    const results = new MemoryResultStore();
    const scheduled = makeJob({ task: 'demo.new', enqueuedAt: ago(600_000), notBefore: ago(1000) });
    await results.create(scheduled.id, 'scheduled', {
      task: 'demo.new',
      queue: 'default',
      enqueuedAt: scheduled.enqueuedAt,
      notBefore: scheduled.notBefore,
    });
    // Each hand-back's copy carries a later notBefore: the record's, not the copy's, counts.
    const copy = { ...scheduled, notBefore: new Date().toISOString() };
    expect(await worker([], results, 'old').execute(recordingDelivery(copy).d)).toBe('deferred');
    const late = makeJob({ task: 'demo.new', enqueuedAt: ago(120_000) });
    const { d, calls } = recordingDelivery(late);
    expect(await worker([], results, 'old').execute(d)).toBe('failed');
    expect(calls[0]?.arg).toMatch(/^unknown task: UnknownTask: .*within 60 s of its due time/);
    expect(await results.get(late.id)).toMatchObject({ state: 'failed', attempts: 1 });
  });

  it('beside a live run of the job it is skipped; a finished job is skipped; an expired one expires', async () => {
    const results = new MemoryResultStore();
    let release: () => void = () => {};
    const slow = defineTask({
      name: 'demo.slow',
      input: z.object({}),
      handler: () => new Promise<string>((r) => (release = () => r('done'))),
    });
    const job = makeJob({ task: 'demo.slow', input: {} });
    const running = worker([slow], results, 'new').execute(recordingDelivery(job).d);
    await new Promise((r) => setTimeout(r, 20));
    const copy = recordingDelivery(job);
    expect(await worker([], results, 'old').execute(copy.d)).toBe('skipped');
    expect(copy.calls).toEqual([{ op: 'ack' }]);
    release();
    expect(await running).toBe('succeeded');
    const again = recordingDelivery(job);
    expect(await worker([], results, 'old').execute(again.d)).toBe('skipped');
    expect(await results.get(job.id)).toMatchObject({ state: 'succeeded', result: 'done' });

    const expired = makeJob({ task: 'demo.new', expiresAt: ago(1) });
    expect(await worker([], results, 'old').execute(recordingDelivery(expired).d)).toBe('expired');
  });

  it("a job whose run was lost with its worker spends that run's attempt, as with a known task", async () => {
    const results = new MemoryResultStore();
    const job = makeJob({ task: 'demo.new', maxAttempts: 3 });
    // A new-version worker started it and died: the record `running` under a lapsed lease.
    await results.transition(job.id, 'running', {
      task: job.task,
      queue: job.queue,
      enqueuedAt: job.enqueuedAt,
      attempts: 1,
      owner: 'dead/1',
      leaseMs: 1,
    });
    await new Promise((r) => setTimeout(r, 5));
    const { d, calls } = recordingDelivery(job);
    // Handed back unspent, a job that kills its worker ran again and again while an old worker
    // took its redeliveries (the lost run forgiven each time).
    expect(await worker([], results, 'old').execute(d, { lostRunSpendsAttempt: true })).toBe('retried');
    expect(calls[0]?.op).toBe('retry');
    expect(await results.get(job.id)).toMatchObject({
      state: 'retrying',
      error: { type: 'WorkerLostError' },
    });
  });
});
