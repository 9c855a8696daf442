import { TransportError } from '@warren/protocol';
import { LEASE_MARGIN_MS } from './run-budget';

/**
 * How long the end of a run keeps trying a store that is down: well inside the lease margin, so
 * the run still holds its job (a copy delivered meanwhile is deferred) when the write lands.
 */
export const RUN_END_RETRY_MS = LEASE_MARGIN_MS / 2;

/** RUN_END_RETRY_MS, cut to what is left before a deadline (a Lambda invocation's end) less 1 s. */
export const runEndRetryBudget = (deadlineMs?: number): number =>
  deadlineMs === undefined ? RUN_END_RETRY_MS : Math.min(RUN_END_RETRY_MS, deadlineMs - Date.now() - 1000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `write` again while the store is unreachable (a recoverable TransportError), for up to
 * `budgetMs`. The end of a run is the one write that cannot be made later: thrown, the delivery
 * was handed back with the record still `running` under this run's lease, its copy deferred the
 * whole lease (timeout + 30 s) and then taken for a dead worker's run (WorkerLostError: failed on
 * a last attempt, run again otherwise) though the task had ended and no worker died. Celery's
 * result_backend_always_retry. Refusals and other errors are thrown at once.
 */
export async function retryWhileStoreDown<T>(
  write: () => Promise<T>,
  budgetMs = RUN_END_RETRY_MS,
): Promise<T> {
  const until = Date.now() + budgetMs;
  for (let pause = 100; ; pause = Math.min(pause * 2, 1000)) {
    try {
      return await write();
    } catch (err) {
      if (!(err instanceof TransportError) || !err.recoverable || Date.now() + pause > until) throw err;
      await sleep(pause);
    }
  }
}
