import type { JobError } from '@warren/protocol';
import type { TransitionOutcome, TransitionPatch, TransitionRefusal } from '../ports/result-store';
import type { ExecutionOutcome, JobExecution } from './executor-types';
import { recordPatch } from './record-patch';
import { writeWithoutInputIfRefused } from './refused-record';
import { retryNotAfter, retryWhileStoreDown, runEndRetryBudget } from './store-outage-retry';

/** The job's record refused the write because the job already failed. */
export const alreadyFailed = (out: TransitionOutcome): boolean =>
  !out.ok && out.reason === 'already-finished' && out.state === 'failed';

/** The store refused this run's write (finished, cancelled, taken over): acked, recorded once. */
export async function skip(x: JobExecution, reason: TransitionRefusal): Promise<ExecutionOutcome> {
  await x.delivery.ack();
  x.emit({ type: 'skipped', job: x.job, attempt: x.attempt, reason });
  return 'skipped';
}

/**
 * Records the job failed and dead-letters it. `runOwner`: the run's, once one started (a stale run
 * may not fail a job another run has moved on). Without one nothing ran (an unknown task, an
 * input refused): an end without a run (unlessLeased), refused while another worker's run holds
 * the job, whose copy this is (a rolling deploy adding the task, an older schema): written without
 * an owner, it failed the job under that run, and the run's result was refused. `durationMs`: the
 * run's, when one ran (the event carries it as a retry's does: the job-duration histogram and the
 * 'job failed' line).
 */
export function failJob(
  x: JobExecution,
  error: JobError,
  reason: string,
  runOwner?: string,
  failTtlS = x.ttlS,
  durationMs?: number,
): Promise<ExecutionOutcome> {
  const patch = recordPatch(x.job, failTtlS, undefined, runOwner ?? x.owner, undefined, error);
  if (runOwner === undefined) patch.unlessLeased = true;
  return failWith(x, patch, error, reason, durationMs);
}

/** failJob with the `failed` write's patch given (its `error` is `error`). */
export async function failWith(
  x: JobExecution,
  patch: TransitionPatch,
  error: JobError,
  reason: string,
  durationMs?: number,
): Promise<ExecutionOutcome> {
  const { job, attempt } = x;
  // A run's end (it has an owner) waits out a store down for a moment, as its success would (see
  // store-outage-retry.ts): handed back, the job ended a lost worker's (WorkerLostError).
  const write = () => writeWithoutInputIfRefused(x, 'failed', patch);
  const out = await (patch.owner && !patch.unlessLeased
    ? retryWhileStoreDown(write, runEndRetryBudget(x), retryNotAfter(x))
    : write());
  // Refused because it already failed: this message outlived its dead-lettering (see below).
  if (!out.ok && out.reason !== 'illegal' && !alreadyFailed(out)) return skip(x, out.reason);
  await x.delivery.deadLetter(`${reason}: ${error.type}: ${error.message}`);
  x.emit({
    type: 'failed',
    job,
    attempt,
    error,
    reason,
    ...(durationMs !== undefined && { durationMs }),
    ...(alreadyFailed(out) && { repeat: true }),
  });
  return 'failed';
}

/**
 * Dead-lettering removes a failed job's message, so one of its last attempt that comes back is a
 * DLQ copy that was not confirmed (an SQS send error, a missing DLQ): acked, it would be lost.
 * A copy of an earlier attempt is a duplicate (its attempt was retried since): one redelivered
 * after a connection loss and deferred behind the run's lease came back after the job had failed
 * and was dead-lettered a second time, two DLQ messages for one job.
 */
export async function deadLetterAgain(x: JobExecution): Promise<ExecutionOutcome> {
  // Read only on this rare path: the refusal does not carry the record.
  const record = await x.deps.results.get(x.job.id);
  if (record && record.attempts > x.attempt) return skip(x, 'already-finished');
  const reason = 'already failed; redelivered after its dead-lettering, dead-lettered again';
  await x.delivery.deadLetter(reason);
  x.emit({ type: 'failed', job: x.job, attempt: x.attempt, reason, repeat: true });
  return 'failed';
}

/**
 * Back on the queue after `delayMs` without spending an attempt (with `retry`, each deferral
 * cost one): nothing ran here (another run holds the lease, or the task is unknown here), or
 * the task asked (DeferError).
 */
export async function deferDelivery(
  x: JobExecution,
  delayMs: number,
  reason: 'lease-held' | 'task' | 'unknown-task',
  durationMs?: number,
): Promise<ExecutionOutcome> {
  const { delivery } = x;
  await (delivery.defer ? delivery.defer(delayMs) : delivery.retry(delayMs));
  x.emit({ type: 'deferred', job: x.job, attempt: x.attempt, delayMs, reason, durationMs });
  return 'deferred';
}

/** Another run holds the job's lease: come back once it would have lapsed. */
export const deferBehindLease = (x: JobExecution, leaseRemainingMs: number): Promise<ExecutionOutcome> =>
  deferDelivery(x, leaseRemainingMs + 1000, 'lease-held');
