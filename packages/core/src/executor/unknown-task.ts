import type { JobError } from '@warren/protocol';
import { waitingTtlS } from '../state/waiting-ttl';
import type { ExecutionOutcome, JobExecution } from './executor-types';
import { recordPatch } from './record-patch';
import { alreadyFailed, deadLetterAgain, deferDelivery, failJob, skip } from './settle-delivery';
import { settleThrown } from './settle-thrown';
import { WorkerLostError } from './worker-lost-error';

/**
 * How often a job of an unknown task comes back while its grace lasts: ten times over the grace,
 * between RabbitMQ's smallest delay tier and 5 s (so a worker that knows it, once there, takes it soon).
 */
export const handBackEveryMs = (graceMs: number): number => Math.min(5000, Math.max(250, graceMs / 10));
/** The hand-back's own hold on the job: it lasts only between its two writes. */
const HAND_BACK_LEASE_MS = 30_000;

const unknownTaskError = (task: string, detail: string, retryable: boolean): JobError => ({
  type: 'UnknownTask',
  message: `no handler for task ${task} here${detail}`,
  retryable,
});

/**
 * A job of a task this worker does not know. In a rolling deploy producers (or workers of the
 * new version) know a task before every worker does: failed at once, its jobs taken by an old
 * worker were lost to the DLQ. Until `graceMs` after the job was due (its enqueue, or its run
 * time if scheduled: the record keeps both) it is handed back unrun, as a copy deferred behind a
 * lease is (no attempt spent), its record `retrying` with an UnknownTask error saying so, for a
 * worker that knows it. After that, or with `graceMs` 0, it fails into the DLQ as before (as
 * Celery fails an unregistered task). Only jobs of unknown tasks come here: no cost to the others.
 */
export async function unknownTask(
  x: JobExecution,
  graceMs: number,
  /** Whether taking over a run lost with its worker spends its attempt (execute-job's lostRunSpent). */
  lostRunSpent: () => boolean = () => false,
): Promise<ExecutionOutcome> {
  const { job, deps } = x;
  if (!(graceMs > 0)) return failJob(x, unknownTaskError(job.task, '', false), 'unknown task');
  const waitTtlS = waitingTtlS(Math.max(x.ttlS, deps.resultTtlS));
  // Taken as a start is (the same refusals: a finished job, another worker's live run, a copy of
  // an earlier attempt), since `retrying` is reached through `running` only; the record read back
  // says when the job was first due (a copy handed back carries a later notBefore).
  const start = recordPatch(job, waitTtlS, x.attempt, x.owner, HAND_BACK_LEASE_MS);
  const started = await deps.results.transition(job.id, 'running', start);
  if (!started.ok) return alreadyFailed(started) ? deadLetterAgain(x) : skip(x, started.reason);
  // A worker that knew the task died running it: that run's attempt is spent as it would be here
  // with the task (WorkerLostError). Handed back unspent, a job that kills its worker ran again
  // for every redelivery an old worker took.
  if (started.from === 'running' && lostRunSpent())
    return settleThrown(x, new WorkerLostError(job.id, x.attempt), undefined, x.ttlS);
  const rec = started.record;
  const dueMs = Math.max(
    Date.parse(rec?.enqueuedAt ?? job.enqueuedAt),
    rec?.notBefore ? Date.parse(rec.notBefore) : 0,
  );
  const endMs = dueMs + graceMs;
  const leftMs = endMs - Date.now();
  if (!(leftMs > 0)) {
    const why = ` (no worker that knows it took it within ${graceMs / 1000} s of its due time: worker.unknownTaskGraceMs)`;
    return failJob(x, unknownTaskError(job.task, why, false), 'unknown task', x.owner);
  }
  const delayMs = Math.ceil(Math.min(handBackEveryMs(graceMs), leftMs));
  const until = new Date(endMs).toISOString();
  const error = unknownTaskError(
    job.task,
    ` (worker ${deps.workerId}): handed back unrun, no attempt spent, for a worker that knows it until ${until}`,
    true,
  );
  const out = await x.write(job.id, 'retrying', {
    error,
    owner: x.owner,
    ttlS: waitingTtlS(waitTtlS, delayMs),
  });
  if (!out.ok) return skip(x, out.reason);
  return deferDelivery(x, delayMs, 'unknown-task');
}
