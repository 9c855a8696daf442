import { TaskTimeoutError } from '../task/task-errors';

/**
 * An AbortController made only when someone reads `signal`: most tasks never do, and creating
 * one per job was ~4% of a worker's CPU. A late reader still gets an already-aborted signal.
 */
export class LazyAbort {
  private ac: AbortController | undefined;
  private reason: unknown;
  private done = false;
  private unwatch: (() => void) | undefined;
  /** The run is over (settled, timed out or aborted): nothing it does now is this attempt's. */
  over = false;

  /** Whether the run was aborted (timed out, or its outer signal fired). */
  get aborted(): boolean {
    return this.done;
  }

  /** Whether the signal was read: only a task that reads it can act on an abort. */
  get read(): boolean {
    return this.ac !== undefined;
  }

  get signal(): AbortSignal {
    if (!this.ac) {
      this.ac = new AbortController();
      if (this.done) this.ac.abort(this.reason);
    }
    return this.ac.signal;
  }

  /** Registers what stops a watcher of the run (for an abort from outside) once it is over or aborted. */
  watching(stop: () => void): void {
    if (this.over || this.done) stop();
    else this.unwatch = stop;
  }

  abort(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.reason = reason;
    this.ac?.abort(reason);
    this.stopWatching();
  }

  /** The run is over: late progress is ignored and the watching stops. */
  end(): void {
    this.over = true;
    this.stopWatching();
  }

  private stopWatching(): void {
    this.unwatch?.();
    this.unwatch = undefined;
  }
}

/**
 * Callbacks per outer signal, behind one 'abort' listener: a worker passes its shutdown signal to
 * every job, and an EventTarget listener added and removed per job cost ~1.5 µs of it (measured:
 * 2.0 vs 0.5 µs per run); a Set add/delete costs next to nothing. The Set hangs off the signal
 * itself (a WeakMap keyed by the signal made every young-generation GC trace it as an ephemeron:
 * 4 µs per run).
 */
const CALLBACKS = Symbol('warren.abortCallbacks');
type WithCallbacks = AbortSignal & { [CALLBACKS]?: Set<() => void> };

function whenAborted(signal: WithCallbacks, fn: () => void): () => void {
  const fns = signal[CALLBACKS] ?? listen(signal);
  fns.add(fn);
  return () => fns.delete(fn);
}

function listen(signal: WithCallbacks): Set<() => void> {
  const all = new Set<() => void>();
  signal[CALLBACKS] = all;
  signal.addEventListener(
    'abort',
    () => {
      for (const f of [...all]) f();
      all.clear();
    },
    { once: true },
  );
  return all;
}

/**
 * After `outer` aborts (a worker's shutdown), how long a run is still waited on before it is given
 * up: a body past its last side effect, returning, ends with its result. Given up at once, such a
 * job was handed back and run again by the next worker (a full run's SIGTERM test: 61 bodies for
 * 60 jobs). Short against the shutdown's own waits (5 s after the drain, 3 s on a forced stop).
 */
export const OUTER_ABORT_SETTLE_MS = 250;

/**
 * Runs `fn` with an abort that fires after `timeoutMs` or when `outer` aborts, and stops waiting
 * at that moment (on `outer`, OUTER_ABORT_SETTLE_MS after it): a task that ignores its signal
 * cannot hold the worker past its timeout. Its run goes on all the same (JS cannot kill it), so it
 * is handed to `onRunaway` to be accounted for.
 */
export async function runWithTimeoutLazy<T>(
  fn: (abort: LazyAbort) => Promise<T> | T,
  timeoutMs: number,
  outer?: AbortSignal,
  onRunaway?: (run: Promise<unknown>) => void,
): Promise<T> {
  const abort = new LazyAbort();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settle: ReturnType<typeof setTimeout> | undefined;
  let off: (() => void) | undefined;
  let run: Promise<T> | undefined;
  let given: unknown; // the abort's reason, for a run aborted before it started
  // Fires only while the run is pending (the race is over otherwise): it is a runaway from now.
  const stop = (err: unknown, reject: (e: unknown) => void) => {
    given = err;
    abort.abort(err);
    if (run && onRunaway) onRunaway(run);
    reject(err);
  };
  const aborted = new Promise<never>((_, reject) => {
    timer = setTimeout(() => stop(new TaskTimeoutError(timeoutMs), reject), timeoutMs);
    if (outer) {
      const reason = () => (outer.reason instanceof Error ? outer.reason : new Error('aborted'));
      // Aborted before the run: never started (below), given up at once.
      if (outer.aborted) stop(reason(), reject);
      else
        off = whenAborted(outer, () => {
          const err = reason();
          given = err;
          abort.abort(err); // the task is told at once
          settle = setTimeout(() => stop(err, reject), OUTER_ABORT_SETTLE_MS);
        });
    }
  });
  try {
    // Aborted already (a shutdown while the job's start was being recorded): never started, the
    // task would otherwise run on unwatched after the job was handed back.
    run = Promise.resolve().then(() => {
      if (abort.aborted) throw given;
      return fn(abort);
    });
    return await Promise.race([run, aborted]);
  } finally {
    abort.end();
    // Workers' types take number | null, not undefined.
    if (timer !== undefined) clearTimeout(timer);
    if (settle !== undefined) clearTimeout(settle);
    off?.();
  }
}

/** `runWithTimeoutLazy` for callers that want the AbortSignal itself. */
export function runWithTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T> | T,
  timeoutMs: number,
  outer?: AbortSignal,
): Promise<T> {
  return runWithTimeoutLazy((abort) => fn(abort.signal), timeoutMs, outer);
}
