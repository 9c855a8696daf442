import { backoffDelay } from '../retry/backoff';
import { waitingTtlS } from '../state/waiting-ttl';
import { classify, OutputSchemaError, toJobError, withinDeferWindow } from './errors';
import type { ExecutionOutcome, JobExecution } from './executor-types';
import { writeRunEnd } from './record-lost';
import { deferDelivery, failJob, skip } from './settle-delivery';

/**
 * What a run that threw (or timed out, or returned what its output schema refuses) makes of the
 * job: handed back on shutdown, deferred (DeferError), retried with backoff, or failed.
 */
export async function settleThrown(
  x: JobExecution,
  err: unknown,
  durationMs: number | undefined,
  doneTtlS: number,
  signal?: AbortSignal,
): Promise<ExecutionOutcome> {
  const { deps, delivery, job, attempt, owner, ttlS, write } = x;
  if (signal?.aborted) {
    // Shutdown, not the job's fault: hand it back without spending an attempt.
    const ttl = waitingTtlS(Math.max(ttlS, deps.resultTtlS)); // handed back: it waits in the queue again
    await write(job.id, 'retrying', { error: toJobError(err, true), owner, ttlS: ttl });
    await delivery.release();
    x.emit({ type: 'released', job, attempt, durationMs, reason: 'shutdown' });
    return 'released';
  }
  const steer = err instanceof OutputSchemaError ? { retryable: false } : classify(err);
  // DeferError: not a failure, so no attempt spent (the last one included) and no error kept;
  // past the defer window it is a retry, so a task that always defers ends.
  const deferring = steer.defer === true && withinDeferWindow(job);
  const lastAttempt = !deferring && attempt >= job.maxAttempts;
  const error = toJobError(err, steer.retryable && !lastAttempt);
  if (!error.retryable) {
    const why = steer.retryable ? `failed after ${attempt} attempts` : 'non-retriable error';
    return failJob(x, error, why, owner, doneTtlS, durationMs);
  }
  const delayMs = steer.delayMs ?? backoffDelay(job.backoff, attempt, deps.random);
  // Due after the job's expiry, the copy could only come back to be expired: expired now, the
  // error kept, not left `retrying` (and a client waiting on it) for the whole delay.
  if (job.expiresAt && Date.now() + delayMs >= Date.parse(job.expiresAt)) {
    const out = await writeRunEnd(x, 'expired', {
      error: deferring ? undefined : error,
      owner,
      ttlS: doneTtlS,
    });
    if (!out.ok) return skip(x, out.reason);
    await delivery.ack();
    // Why it ended and how long it ran, as a retry's event says: the log line, the span's status
    // and the job-duration histogram have them (a deferral is no failure: no error, as recorded).
    x.emit({ type: 'expired', job, attempt, durationMs, ...(!deferring && { error }) });
    return 'expired';
  }
  // Waiting for its retry (and maybe a backlog after it): not the short TTL of a finished job.
  const waitTtlS = waitingTtlS(Math.max(ttlS, deps.resultTtlS), delayMs);
  const out = await writeRunEnd(x, 'retrying', {
    error: deferring ? undefined : error,
    owner,
    ttlS: waitTtlS,
  });
  if (!out.ok) return skip(x, out.reason);
  if (deferring) return deferDelivery(x, delayMs, 'task', durationMs);
  await delivery.retry(delayMs);
  await markRetryConfirmed(x, waitTtlS);
  x.emit({ type: 'retried', job, attempt, error, delayMs, durationMs });
  return 'retried';
}

/**
 * Records that this attempt's retry copy is confirmed, so a copy of this attempt that comes later
 * (its ack lost with the connection, a Lambda batch redelivered, a copy deferred behind this run's
 * lease) is skipped, not run again beside the retry. After the confirm: a copy left while the
 * retry was never confirmed is the job's only one and must run. Best effort: without the mark, a
 * stale copy runs (as it did before); the delivery is settled already, so nothing is thrown.
 */
async function markRetryConfirmed(x: JobExecution, ttlS: number): Promise<void> {
  try {
    await x.write(x.job.id, 'retrying', { queue: x.job.queue, nextAttempt: x.attempt + 1, ttlS });
  } catch {
    // The store is unreachable: see above.
  }
}
