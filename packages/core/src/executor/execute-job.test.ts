import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryResultStore } from '../memory/memory-result-store';
import type { ResultStore } from '../ports/result-store';
import { type AnyTask, defineTask } from '../task/define-task';
import { NonRetriableError, RetryAfterError } from '../task/task-errors';
import { makeJob } from '../testing/fixtures';
import { recordingDelivery } from '../testing/recording-delivery';
import { createExecutor, type ExecutionEvent } from './execute-job';

function setup(tasks: AnyTask[], results: ResultStore = new MemoryResultStore()) {
  const events: ExecutionEvent[] = [];
  const ex = createExecutor({
    tasks: new Map(tasks.map((t) => [t.name, t])),
    results,
    workerId: 'test',
    resultTtlS: 60,
    onEvent: (e) => events.push(e),
    random: () => 0.5,
  });
  return { ex, results, events };
}

const add = defineTask({
  name: 'demo.add',
  input: z.object({ a: z.number(), b: z.number() }),
  handler: ({ a, b }) => a + b,
});

describe('executor', () => {
  it('runs a job, records the result, then acks', async () => {
    const { ex, results } = setup([add]);
    const job = makeJob();
    const { d, calls } = recordingDelivery(job);
    expect(await ex.execute(d)).toBe('succeeded');
    expect(calls).toEqual([{ op: 'ack' }]);
    expect(await results.get(job.id)).toMatchObject({ state: 'succeeded', result: 5, attempts: 1 });
  });

  it('retries a thrown error with jittered backoff, then fails into the DLQ on the last attempt', async () => {
    const flaky = defineTask({
      name: 'flaky',
      input: z.unknown(),
      handler: () => {
        throw new Error('nope');
      },
    });
    const { ex, results } = setup([flaky]);
    const job = makeJob({
      task: 'flaky',
      maxAttempts: 2,
      backoff: { kind: 'exponential', baseMs: 100, maxMs: 1000, jitter: true },
    });
    const first = recordingDelivery(job, 1);
    expect(await ex.execute(first.d)).toBe('retried');
    expect(first.calls).toEqual([{ op: 'retry', arg: 50 }]);
    expect(await results.get(job.id)).toMatchObject({
      state: 'retrying',
      error: { message: 'nope', retryable: true },
    });
    const second = recordingDelivery({ ...job, attempt: 2 });
    expect(await ex.execute(second.d)).toBe('failed');
    expect(second.calls[0]).toMatchObject({
      op: 'deadLetter',
      arg: expect.stringMatching(/failed after 2 attempts: Error: nope/),
    });
    expect(await results.get(job.id)).toMatchObject({
      state: 'failed',
      attempts: 2,
      error: { retryable: false },
    });
  });

  it('honours NonRetriableError and RetryAfterError', async () => {
    const never = defineTask({
      name: 'never',
      input: z.unknown(),
      handler: () => {
        throw new NonRetriableError('bad card');
      },
    });
    const later = defineTask({
      name: 'later',
      input: z.unknown(),
      handler: () => {
        throw new RetryAfterError('rate limited', 4321);
      },
    });
    const { ex } = setup([never, later]);
    const a = recordingDelivery(makeJob({ task: 'never' }));
    expect(await ex.execute(a.d)).toBe('failed');
    expect(a.calls[0]!.arg).toMatch(/non-retriable error: NonRetriableError: bad card/);
    const b = recordingDelivery(makeJob({ task: 'later' }));
    expect(await ex.execute(b.d)).toBe('retried');
    expect(b.calls).toEqual([{ op: 'retry', arg: 4321 }]);
  });

  it('fails invalid input at once without running the task', async () => {
    const { ex, results } = setup([add]);
    const job = makeJob({ input: { a: 'x' } });
    const { d, calls } = recordingDelivery(job);
    expect(await ex.execute(d)).toBe('failed');
    expect(calls[0]).toMatchObject({ op: 'deadLetter', arg: expect.stringMatching(/invalid input/) });
    expect(await results.get(job.id)).toMatchObject({ state: 'failed', error: { type: 'InvalidInput' } });
  });

  it('times a task out through its AbortSignal and retries it', async () => {
    let aborted = false;
    const slow = defineTask({
      name: 'slow',
      input: z.unknown(),
      timeoutMs: 50,
      handler: (_i, ctx) =>
        new Promise(() => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
    });
    const { ex, results } = setup([slow]);
    const job = makeJob({ task: 'slow' });
    const { d } = recordingDelivery(job);
    expect(await ex.execute(d)).toBe('retried');
    expect(aborted).toBe(true);
    expect(await results.get(job.id)).toMatchObject({
      state: 'retrying',
      error: { type: 'TaskTimeoutError' },
    });
  });

  it('caps the timeout by the deadline (Lambda remaining time)', async () => {
    const slow = defineTask({
      name: 'slow',
      input: z.unknown(),
      timeoutMs: 60_000,
      handler: () => new Promise(() => {}),
    });
    const { ex } = setup([slow]);
    const t0 = Date.now();
    await ex.execute(recordingDelivery(makeJob({ task: 'slow' })).d, { deadlineMs: Date.now() + 1200 });
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('skips a duplicate delivery of a finished job without running it again', async () => {
    let runs = 0;
    const once = defineTask({ name: 'once', input: z.unknown(), handler: () => ++runs });
    const { ex } = setup([once]);
    const job = makeJob({ task: 'once' });
    await ex.execute(recordingDelivery(job).d);
    const dup = recordingDelivery(job);
    expect(await ex.execute(dup.d)).toBe('skipped');
    expect(dup.calls).toEqual([{ op: 'ack' }]);
    expect(runs).toBe(1);
  });

  it('dead-letters again a delivery of a job already failed, whose dead-letter copy may not have landed', async () => {
    // A failed job's message is removed by its dead-lettering; one that comes back means the DLQ
    // copy was not confirmed (an SQS send error, a missing DLQ). Acking it as a duplicate lost it.
    const broken = defineTask({
      name: 'broken',
      input: z.unknown(),
      handler: () => {
        throw new NonRetriableError('bad');
      },
    });
    const { ex } = setup([broken]);
    const job = makeJob({ task: 'broken' });
    expect(await ex.execute(recordingDelivery(job).d)).toBe('failed');
    const back = recordingDelivery(job);
    expect(await ex.execute(back.d)).toBe('failed');
    expect(back.calls).toEqual([{ op: 'deadLetter', arg: expect.stringMatching(/already failed/) }]);

    const unknown = makeJob({ task: 'gone' });
    expect(await ex.execute(recordingDelivery(unknown).d)).toBe('failed');
    const again = recordingDelivery(unknown);
    expect(await ex.execute(again.d)).toBe('failed');
    expect(again.calls).toEqual([{ op: 'deadLetter', arg: expect.stringMatching(/unknown task/) }]);
  });

  it('skips cancelled jobs and records expired ones', async () => {
    const { ex, results } = setup([add]);
    const job = makeJob();
    await results.transition(job.id, 'queued', { task: 'demo.add', queue: 'default' });
    await results.transition(job.id, 'cancelled', {});
    expect(await ex.execute(recordingDelivery(job).d)).toBe('skipped');
    const old = makeJob({ expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(await ex.execute(recordingDelivery(old).d)).toBe('expired');
    expect((await results.get(old.id))!.state).toBe('expired');
  });

  it('an expired copy of a job already failed is dead-lettered again, not acked (its DLQ copy may not have landed)', async () => {
    const { ex, results, events } = setup([add]);
    const job = makeJob({ expiresAt: new Date(Date.now() - 1000).toISOString() });
    await results.transition(job.id, 'failed', { task: 'demo.add', queue: 'default' });
    const d = recordingDelivery(job);
    expect(await ex.execute(d.d)).toBe('failed');
    expect(d.calls).toEqual([{ op: 'deadLetter', arg: expect.stringMatching(/already failed/) }]);
    expect(events.at(-1)).toMatchObject({ type: 'failed', repeat: true });
  });

  it('an expired copy of a job another run holds is deferred, and expires it once that lease is gone', async () => {
    const { ex, results } = setup([add]);
    const job = makeJob({ expiresAt: new Date(Date.now() - 1000).toISOString() });
    await results.transition(job.id, 'running', {
      task: 'demo.add',
      queue: 'default',
      owner: 'other/1',
      leaseMs: 60_000,
    });
    const held = recordingDelivery(job);
    expect(await ex.execute(held.d)).toBe('deferred');
    expect(held.calls).toEqual([{ op: 'defer', arg: expect.any(Number) }]);
    expect((await results.get(job.id))!.state).toBe('running');

    const dead = makeJob({ expiresAt: new Date(Date.now() - 1000).toISOString() });
    await results.transition(dead.id, 'running', {
      task: 'demo.add',
      queue: 'default',
      owner: 'dead/1',
      leaseMs: 1,
    });
    await new Promise((r) => setTimeout(r, 5));
    const lapsed = recordingDelivery(dead);
    expect(await ex.execute(lapsed.d)).toBe('expired');
    expect(lapsed.calls).toEqual([{ op: 'ack' }]);
    expect((await results.get(dead.id))!.state).toBe('expired');
  });

  it('aborts ctx.signal when the running job is cancelled, and stops reading the record once the run is over', async () => {
    const results = new MemoryResultStore();
    let reads = 0;
    const get = results.get.bind(results);
    results.get = (id) => {
      reads++;
      return get(id);
    };
    const wait = defineTask({
      name: 'wait',
      input: z.unknown(),
      handler: (_i, ctx) =>
        new Promise((resolve, reject) => {
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
          if (ctx.attempt === 2) setTimeout(() => resolve('done'), 30);
        }),
    });
    const ex = createExecutor({
      tasks: new Map([[wait.name, wait]]),
      results,
      workerId: 't',
      resultTtlS: 60,
      cancelPollMs: 5,
    });
    const job = makeJob({ task: 'wait' });
    const run = ex.execute(recordingDelivery(job).d);
    await new Promise((r) => setTimeout(r, 20));
    await results.transition(job.id, 'cancelled', {});
    expect(await run).toBe('skipped');
    expect(await results.get(job.id)).toMatchObject({ state: 'cancelled' });

    const other = makeJob({ task: 'wait', attempt: 2 });
    expect(await ex.execute(recordingDelivery(other).d)).toBe('succeeded');
    const after = reads;
    await new Promise((r) => setTimeout(r, 30));
    expect(reads).toBe(after);
  });

  it('stores progress reported by the task', async () => {
    const prog = defineTask({
      name: 'prog',
      input: z.unknown(),
      handler: async (_i, ctx) => {
        await ctx.progress({ done: 3, of: 4 });
        return 'ok';
      },
    });
    const { ex, results } = setup([prog]);
    const job = makeJob({ task: 'prog' });
    await ex.execute(recordingDelivery(job).d);
    expect(await results.get(job.id)).toMatchObject({ state: 'succeeded', progress: { done: 3, of: 4 } });
  });

  it('gives the task a context that works destructured', async () => {
    let seen: Record<string, unknown> = {};
    const prog = defineTask({
      name: 'prog',
      input: z.unknown(),
      handler: async (_i, { jobId, attempt, maxAttempts, queue, signal, progress }) => {
        seen = { jobId, attempt, maxAttempts, queue, aborted: signal.aborted };
        await progress(7);
        return 'ok';
      },
    });
    const { ex, results } = setup([prog]);
    const job = makeJob({ task: 'prog', maxAttempts: 4 });
    expect(await ex.execute(recordingDelivery(job).d)).toBe('succeeded');
    expect(seen).toEqual({ jobId: job.id, attempt: 1, maxAttempts: 4, queue: job.queue, aborted: false });
    expect(await results.get(job.id)).toMatchObject({ state: 'succeeded', progress: 7 });
  });

  it('defers a delivery while another worker holds the lease', async () => {
    const { ex, results } = setup([add]);
    const job = makeJob();
    await results.transition(job.id, 'running', {
      task: 'demo.add',
      queue: 'default',
      owner: 'other',
      leaseMs: 5000,
    });
    const { d, calls } = recordingDelivery(job);
    expect(await ex.execute(d)).toBe('deferred');
    // Handed back without spending an attempt: the job did not run here.
    expect(calls[0]!.op).toBe('defer');
    expect(calls[0]!.arg as number).toBeGreaterThan(5000);
  });

  it('dead-letters a job for a task this worker does not know', async () => {
    const { ex } = setup([add]);
    const { d, calls } = recordingDelivery(makeJob({ task: 'other.task' }));
    expect(await ex.execute(d)).toBe('failed');
    expect(calls[0]).toMatchObject({ op: 'deadLetter', arg: expect.stringMatching(/unknown task/) });
  });

  it('rejects without settling when the result store fails, so the job is not acked unrecorded', async () => {
    const broken = new MemoryResultStore();
    broken.transition = async () => {
      throw new Error('redis down');
    };
    const { ex } = setup([add], broken);
    const { d, calls } = recordingDelivery(makeJob());
    await expect(ex.execute(d)).rejects.toThrow('redis down');
    expect(calls).toEqual([]);
  });

  it('releases without spending an attempt when shutdown aborts a running job', async () => {
    const slow = defineTask({ name: 'slow', input: z.unknown(), handler: () => new Promise(() => {}) });
    const { ex, results } = setup([slow]);
    const ac = new AbortController();
    const job = makeJob({ task: 'slow' });
    const { d, calls } = recordingDelivery(job);
    const p = ex.execute(d, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('shutdown')), 20);
    expect(await p).toBe('released');
    expect(calls).toEqual([{ op: 'release' }]);
    expect((await results.get(job.id))!.state).toBe('retrying');
  });
});
