import { TaskTimeoutError } from '../task/task-errors';

/**
 * An AbortController made only when someone reads `signal`: most tasks never do, and creating
 * one per job was ~4% of a worker's CPU. A late reader still gets an already-aborted signal.
 */
export class LazyAbort {
  private ac: AbortController | undefined;
  private reason: unknown;
  private done = false;

  get signal(): AbortSignal {
    if (!this.ac) {
      this.ac = new AbortController();
      if (this.done) this.ac.abort(this.reason);
    }
    return this.ac.signal;
  }

  abort(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.reason = reason;
    this.ac?.abort(reason);
  }
}

/**
 * Runs `fn` with an abort that fires after `timeoutMs` or when `outer` aborts, and stops waiting
 * at that moment: a task that ignores its signal cannot hold the worker past its timeout.
 */
export async function runWithTimeoutLazy<T>(
  fn: (abort: LazyAbort) => Promise<T> | T,
  timeoutMs: number,
  outer?: AbortSignal,
): Promise<T> {
  const abort = new LazyAbort();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onOuter: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new TaskTimeoutError(timeoutMs);
      abort.abort(err);
      reject(err);
    }, timeoutMs);
    if (outer) {
      onOuter = () => {
        const reason = outer.reason instanceof Error ? outer.reason : new Error('aborted');
        abort.abort(reason);
        reject(reason);
      };
      if (outer.aborted) onOuter();
      else outer.addEventListener('abort', onOuter, { once: true });
    }
  });
  try {
    return await Promise.race([Promise.resolve().then(() => fn(abort)), aborted]);
  } finally {
    clearTimeout(timer);
    if (outer && onOuter) outer.removeEventListener('abort', onOuter);
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
