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

/** Celery's defaults for a worker's revoked ids (`REVOKES_MAX`, `REVOKE_EXPIRES`). */
const MAX_REVOKED = 50_000;
const REVOKED_FOR_MS = 3 * 3600_000;

/**
 * The job ids of Celery revokes this worker heard, in memory, as a Celery worker keeps them (lost
 * on restart, like Celery's without `--statedb`): checked when a delivery is about to run.
 */
export class RevokedIds {
  private readonly until = new Map<string, number>();

  add(jobId: string, now = Date.now()): void {
    this.until.delete(jobId); // re-insert: the map stays in expiry order
    this.until.set(jobId, now + REVOKED_FOR_MS);
    for (const [id, t] of this.until) {
      if (this.until.size <= MAX_REVOKED && t > now) break;
      this.until.delete(id);
    }
  }

  has(jobId: string, now = Date.now()): boolean {
    const t = this.until.get(jobId);
    return t !== undefined && t > now;
  }

  get size(): number {
    return this.until.size;
  }
}

/**
 * What a warren worker does with a Celery revoke it hears (`listenForCeleryRevokes`), as a Celery
 * worker would. A job with a record that has not started is cancelled at once (core's cancelJob:
 * REVOKED meta, its next delivery skipped), a running one only with `terminate=True` (its signal
 * is aborted), a finished one stays. Every id also goes into `revoked`: a task a Python client
 * sent that warren has no record of yet (waiting for its countdown) is skipped when it is
 * delivered (`skipRevokedCeleryTasks`), and nothing is written before then: the id may be a task a
 * Celery worker holds or runs, whose meta is not warren's to touch.
 */
export function cancelOnCeleryRevoke(
  config: Pick<WarrenConfig, 'tasks' | 'results'>,
  results: ResultStore,
  revoked: RevokedIds,
): (revoke: HeardRevoke) => Promise<void> {
  async function one(taskId: string, terminate: boolean): Promise<void> {
    const { id } = jobIdForCeleryTaskId(taskId);
    revoked.add(id);
    const rec = await results.get(id);
    if (!rec || isTerminal(rec.state) || (rec.state === 'running' && !terminate)) return;
    await cancelJob(results, rec, config).catch((err: unknown) => {
      if (!(err instanceof ConflictError)) throw err; // finished meanwhile
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

/**
 * The worker's result store, with a delivery of a revoked job cancelled instead of started: the
 * cancelled record goes through `results` (REVOKED meta under the client's id), and the start is
 * then refused as for any cancelled job (skipped and acked), as a Celery worker discards a revoked
 * task it receives.
 */
export function skipRevokedCeleryTasks(
  results: ResultStore,
  revoked: RevokedIds,
  config: Pick<WarrenConfig, 'tasks' | 'results'>,
): ResultStore {
  const store: ResultStore = {
    get: (id) => results.get(id),
    async transition(id, to, patch) {
      if (to === 'running' && !patch?.renew && revoked.size > 0 && revoked.has(id)) {
        const ttl = cancelPatch({ task: patch?.task ?? 'unknown', state: 'queued' }, config);
        const { owner: _o, leaseMs: _l, renew: _r, attempts: _a, ...record } = patch ?? {};
        await results.transition(id, 'cancelled', { ...record, ...ttl });
      }
      return results.transition(id, to, patch);
    },
    create: (id, state, patch) => results.create(id, state, patch),
    claimIdempotencyKey: (key, id, ttlS) => results.claimIdempotencyKey(key, id, ttlS),
    releaseIdempotencyKey: (key, id) => results.releaseIdempotencyKey(key, id),
    close: () => results.close(),
  };
  if (results.waitFor) store.waitFor = (id, ms, opts) => results.waitFor!(id, ms, opts);
  return store;
}
