import type { ResultStore } from '../ports/result-store';
import { lostReason } from './lease-lost-error';
import type { LazyAbort } from './run-with-timeout';

/** How often the record of a running task that reads its signal is checked for a cancellation. */
export const CANCEL_POLL_MS = 2000;

/** Watches one run for its job being cancelled (`DELETE /v1/jobs/:id` while it runs). */
export type CancelWatch = (jobId: string, abort: LazyAbort) => void;

const unref = (t: unknown) => (t as { unref?: () => void }).unref?.();

/**
 * Reads the job's record every `pollMs` while the run lasts and aborts the run's signal with a
 * JobCancelledError once it is `cancelled`, or a LeaseLostError once it has left `running` (the
 * run's lease lapsed and another run moved the job on). Started only for a task that reads
 * `ctx.signal` (one that cannot act on an abort costs nothing); stopped when the run is over or
 * aborted.
 */
export function cancelWatch(results: ResultStore, pollMs = CANCEL_POLL_MS): CancelWatch {
  return (jobId, abort) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const check = async () => {
      const rec = await results.get(jobId).catch(() => undefined);
      if (stopped) return;
      // No record is no answer (the read may have failed): only a state the run cannot be in.
      if (rec && rec.state !== 'running') abort.abort(lostReason(jobId, rec.state));
      else next();
    };
    const next = () => {
      timer = setTimeout(check, pollMs);
      unref(timer);
    };
    next();
    abort.watching(() => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    });
  };
}
