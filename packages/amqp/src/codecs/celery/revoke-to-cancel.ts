import {
  ConflictError,
  cancelJob,
  cancelPatch,
  isTerminal,
  type ResultStore,
  type WarrenConfig,
} from '@warren/core';
import { jobIdForCeleryTaskId } from './celery-task-id';
import type { HeardRevoke } from './revoke-listener';

/** A store that can also read Celery metas (@warren/results' withCeleryResults). */
type MaybeCeleryStore = ResultStore & {
  celeryMeta?(taskId: string): Promise<{ status?: string } | undefined>;
};

/**
 * What a warren worker does with a Celery revoke it hears (`listenForCeleryRevokes`), as a Celery
 * worker would: a job not started yet is cancelled (its next delivery is skipped, its meta is
 * REVOKED), a running one only with `terminate=True` (warren aborts its signal), a finished one
 * stays as it is. An id warren has no record of yet (a task a Python client sent, still in a delay
 * tier or the queue) gets a cancelled record on `queue` (a Celery queue the worker consumes), so
 * whichever warren worker receives it skips it; one a Celery worker wrote a meta for (it holds or
 * ran the task) is left to that worker. Each revoke reaches every listening worker: all but the
 * first find it done.
 */
export function cancelOnCeleryRevoke(
  config: Pick<WarrenConfig, 'tasks' | 'results'>,
  results: MaybeCeleryStore,
  queue: string,
): (revoke: HeardRevoke) => Promise<void> {
  async function one(taskId: string, terminate: boolean): Promise<void> {
    const { id, idempotencyKey } = jobIdForCeleryTaskId(taskId);
    const rec = await results.get(id);
    if (rec) {
      if (isTerminal(rec.state) || (rec.state === 'running' && !terminate)) return;
      await cancelJob(results, rec, config).catch((err: unknown) => {
        if (!(err instanceof ConflictError)) throw err; // finished meanwhile
      });
      return;
    }
    // A Celery worker's meta (STARTED, RETRY, a result) says it holds or ran the task: its call.
    // REVOKED (another warren deployment or a Celery worker heard the same revoke) is this too.
    const meta = await results.celeryMeta?.(taskId);
    if (meta && meta.status !== 'REVOKED') return;
    const patch = cancelPatch({ task: 'unknown', state: 'queued' }, config);
    await results.transition(id, 'cancelled', {
      ...patch,
      queue,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
  }
  return async ({ taskIds, terminate }) => {
    const outcomes = await Promise.allSettled(taskIds.map((t) => one(t, terminate)));
    const failed = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    if (failed.length === 1) throw failed[0];
    if (failed.length > 1)
      throw new AggregateError(failed, `Celery revoke: ${failed.length} ids not cancelled`);
  };
}
