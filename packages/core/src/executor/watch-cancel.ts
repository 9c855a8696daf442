import type { ResultStore } from '../ports/result-store';
import { JobCancelledError } from '../task/task-errors';
import type { LazyAbort } from './run-with-timeout';

/** How often the record of a running task that reads its signal is checked for a cancellation. */
export const CANCEL_POLL_MS = 2000;

/** Watches one run for its job being cancelled (`DELETE /v1/jobs/:id` while it runs). */
export type CancelWatch = (jobId: string, abort: LazyAbort) => void;

const unref = (t: unknown) => (t as { unref?: () => void }).unref?.();

/**
 * Reads the job's record every `pollMs` while the run lasts and aborts the run's signal with a
 * JobCancelledError once it is `cancelled`. Started only for a task that reads `ctx.signal` (one
 * that cannot act on an abort costs nothing); stopped when the run is over or aborted.
 */
export function cancelWatch(results: ResultStore, pollMs = CANCEL_POLL_MS): CancelWatch {
  return (jobId, abort) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const check = async () => {
      const rec = await results.get(jobId).catch(() => undefined);
      if (stopped) return;
      if (rec?.state === 'cancelled') abort.abort(new JobCancelledError(jobId));
      else next();
    };
    const next = () => {
      timer = setTimeout(check, pollMs);
      unref(timer);
    };
    next();
    abort.watching(() => {
      stopped = true;
      clearTimeout(timer);
    });
  };
}
