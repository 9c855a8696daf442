import { describe, expect, it } from 'vitest';
import { TaskTimeoutError } from '../task/task-errors';
import { LazyAbort, runWithTimeout, runWithTimeoutLazy } from './run-with-timeout';

describe('runWithTimeout', () => {
  it('gives a late reader of the lazy signal an already-aborted one', () => {
    const a = new LazyAbort();
    a.abort(new Error('stop'));
    expect(a.signal.aborted).toBe(true);
    expect((a.signal.reason as Error).message).toBe('stop');
  });

  it('aborts a signal read before the timeout, and stops waiting for a task that ignores it', async () => {
    let seen: AbortSignal | undefined;
    const t0 = Date.now();
    await expect(
      runWithTimeout((signal) => {
        seen = signal;
        return new Promise(() => {});
      }, 50),
    ).rejects.toBeInstanceOf(TaskTimeoutError);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(seen!.aborted).toBe(true);
  });

  it('passes an outer abort through, and returns values without making a signal', async () => {
    const outer = new AbortController();
    const run = runWithTimeoutLazy(() => new Promise(() => {}), 10_000, outer.signal);
    outer.abort(new Error('shutdown'));
    await expect(run).rejects.toThrow('shutdown');
    expect(await runWithTimeoutLazy(() => 42, 1000)).toBe(42);
  });

  it('one shared outer signal: aborts the runs still going, not the finished ones, and later runs at once', async () => {
    const outer = new AbortController();
    const seen: AbortSignal[] = [];
    const done = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        runWithTimeoutLazy(
          (a) => {
            seen.push(a.signal);
            return i;
          },
          10_000,
          outer.signal,
        ),
      ),
    );
    expect(done[49]).toBe(49);
    const hanging = Array.from({ length: 20 }, () =>
      runWithTimeoutLazy(() => new Promise(() => {}), 10_000, outer.signal),
    );
    outer.abort(new Error('shutdown'));
    for (const run of hanging) await expect(run).rejects.toThrow('shutdown');
    expect(seen.every((s) => !s.aborted)).toBe(true); // finished before the abort: untouched
    await expect(runWithTimeoutLazy(() => new Promise(() => {}), 10_000, outer.signal)).rejects.toThrow(
      'shutdown',
    );
  });

  it('does not start the task when the outer signal was aborted before the run (a shutdown while the job was being recorded)', async () => {
    const outer = new AbortController();
    outer.abort(new Error('shutdown'));
    let started = 0;
    const runaways: Promise<unknown>[] = [];
    const run = runWithTimeoutLazy(
      () => {
        started++;
        return new Promise(() => {});
      },
      10_000,
      outer.signal,
      (p) => runaways.push(p),
    );
    await expect(run).rejects.toThrow('shutdown');
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toBe(0);
    expect(runaways).toHaveLength(0);
  });

  it('hands a run still going at its timeout to onRunaway (JS cannot stop it), and no run that finished', async () => {
    const runaways: Promise<unknown>[] = [];
    let letGo = () => {};
    const run = runWithTimeoutLazy(
      () => new Promise<void>((r) => (letGo = r)),
      20,
      undefined,
      (p) => runaways.push(p),
    );
    await expect(run).rejects.toBeInstanceOf(TaskTimeoutError);
    expect(runaways).toHaveLength(1);
    letGo();
    await runaways[0];
    await runWithTimeoutLazy(
      () => 1,
      20,
      undefined,
      (p) => runaways.push(p),
    );
    expect(runaways).toHaveLength(1);
  });

  it('a run past its last side effect when a shutdown aborts it ends as it ends: its result, not a run again elsewhere', async () => {
    // The task's body had done its work (a write) and was returning when the shutdown's deadline
    // came: rejected at once, the job was handed back and a second worker ran it again (seen in a
    // full run: sigterm-burst.int, 61 task bodies for 60 jobs).
    const outer = new AbortController();
    let signalled = false;
    const run = runWithTimeoutLazy(
      (abort) =>
        new Promise<string>((resolve) => {
          abort.signal.addEventListener('abort', () => {
            signalled = true;
          });
          setTimeout(() => resolve('done'), 20); // its last await, then it returns
        }),
      10_000,
      outer.signal,
    );
    await new Promise((r) => setTimeout(r, 5));
    outer.abort(new Error('worker shutting down'));
    await expect(run).resolves.toBe('done');
    expect(signalled).toBe(true);
  });

  it('a run that does not settle shortly after a shutdown abort is still given up (handed back), and told', async () => {
    const outer = new AbortController();
    const runaways: Promise<unknown>[] = [];
    const run = runWithTimeoutLazy(
      () => new Promise(() => {}),
      10_000,
      outer.signal,
      (p) => runaways.push(p),
    );
    await new Promise((r) => setTimeout(r, 5)); // started
    outer.abort(new Error('worker shutting down'));
    await expect(run).rejects.toThrow('worker shutting down');
    expect(runaways).toHaveLength(1);
  });
});
