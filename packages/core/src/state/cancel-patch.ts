import { ConflictError, isTerminal, type JobRecord } from '@warren/protocol';
import type { WarrenConfig } from '../config/define-config';
import { MAX_RETRY_AFTER_MS } from '../executor/errors';
import { LEASE_MARGIN_MS } from '../executor/execute-job';
import { msUntil } from '../ms-until';
import type { ResultStore, TransitionPatch } from '../ports/result-store';
import { DEFAULT_TIMEOUT_MS } from '../task/define-task';
import { waitingTtlS } from './waiting-ttl';

/** What a cancel reads of the config: the workers' lease margin when it has one (else the default). */
export type CancelConfig = Pick<WarrenConfig, 'tasks' | 'results'> & {
  worker?: Pick<WarrenConfig['worker'], 'leaseMarginMs'>;
};

/**
 * The patch that cancels `rec` (`DELETE /v1/jobs/:id`, the direct client's `cancel`). The record
 * must outlive the job's next delivery: one that found no record then was run (the worker creates
 * the record). So it keeps the longer of the result TTLs (config's, the task's), plus a lease and
 * a minute for a running job (a copy deferred behind its lease comes back then), and as long as a
 * job waiting for its retry (its run may fail as the cancel is written); a job still
 * waiting in its queue keeps it as long as a waiting record (at least a day: the queue may have a
 * backlog; with `results.ttlS: 2` a queued job cancelled and reached 3 s later ran), plus the time
 * left until `notBefore` for a scheduled job, or the longest retry delay (24 h: backoff and
 * RetryAfterError are capped there) for a job waiting for its retry, whose due time is not kept.
 */
export function cancelPatch(
  rec: Pick<JobRecord, 'task' | 'state' | 'notBefore'>,
  config: CancelConfig,
  nowMs = Date.now(),
): TransitionPatch {
  const task = config.tasks.get(rec.task);
  const ttlS = Math.max(config.results.ttlS, task?.resultTtlS ?? 0);
  if (rec.state === 'running') {
    // A copy delivered during the run is deferred behind its lease, plus lateness.
    const marginMs = config.worker?.leaseMarginMs ?? LEASE_MARGIN_MS;
    const deferredMs = (task?.timeoutMs ?? DEFAULT_TIMEOUT_MS) + marginMs + 60_000;
    // The run may fail between the cancel's read and its write, the job then waiting for a retry
    // copy (up to a day away) when `cancelled` is written: the record must outlive that copy too.
    return { ttlS: Math.max(ttlS + Math.ceil(deferredMs / 1000), waitingTtlS(ttlS, MAX_RETRY_AFTER_MS)) };
  }
  const waitMs = rec.state === 'retrying' ? MAX_RETRY_AFTER_MS : msUntil(rec.notBefore, nowMs);
  return { ttlS: waitingTtlS(ttlS, waitMs) };
}

/** Who else hears of a cancel: consumers the record does not reach (a Celery worker holding the job). */
export interface CancelHooks {
  /** After the cancelled record is written, e.g. a Celery revoke broadcast. */
  onCancelled?: (rec: JobRecord) => Promise<void>;
  /** onCancelled failed: the cancel stands (its record is written), this reports it (default console.error). */
  onCancelError?: (err: unknown, rec: JobRecord) => void;
}

/**
 * Cancels the job `rec` names, as `DELETE /v1/jobs/:id` and the direct client's `cancel` do: the
 * cancelled record, or a ConflictError (409) once the job has finished (before or meanwhile).
 */
export async function cancelJob(
  results: ResultStore,
  rec: JobRecord,
  config: CancelConfig,
  hooks: CancelHooks = {},
): Promise<JobRecord | undefined> {
  if (isTerminal(rec.state)) throw new ConflictError(`job ${rec.id} already finished (${rec.state})`);
  const out = await results.transition(rec.id, 'cancelled', cancelPatch(rec, config));
  if (!out.ok) throw new ConflictError(`job ${rec.id} already finished (${out.state})`);
  const record = out.record ?? (await results.get(rec.id));
  if (hooks.onCancelled) {
    const report =
      hooks.onCancelError ?? ((err: unknown) => console.error(`job ${rec.id} cancelled, but:`, err));
    await hooks.onCancelled(record ?? { ...rec, state: 'cancelled' }).catch((err) => report(err, rec));
  }
  return record;
}
