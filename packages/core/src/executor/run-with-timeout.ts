import { TaskTimeoutError } from '../task/task-errors';

/**
 * Runs `fn` with an AbortSignal that fires after `timeoutMs` or when `outer` aborts, and stops
 * waiting at that moment: a task that ignores its signal cannot hold the worker past its timeout.
 */
export async function runWithTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T> | T,
  timeoutMs: number,
  outer?: AbortSignal,
): Promise<T> {
  const ac = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onOuter: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new TaskTimeoutError(timeoutMs);
      ac.abort(err);
      reject(err);
    }, timeoutMs);
    if (outer) {
      onOuter = () => {
        const reason = outer.reason instanceof Error ? outer.reason : new Error('aborted');
        ac.abort(reason);
        reject(reason);
      };
      if (outer.aborted) onOuter();
      else outer.addEventListener('abort', onOuter, { once: true });
    }
  });
  try {
    return await Promise.race([Promise.resolve().then(() => fn(ac.signal)), aborted]);
  } finally {
    clearTimeout(timer);
    if (outer && onOuter) outer.removeEventListener('abort', onOuter);
  }
}
