import type { TransitionOutcome } from '../ports/result-store';
import type { ExecutionOutcome, JobExecution } from './executor-types';
import { writeRunEnd } from './record-lost';
import { resultJsonProblem, resultStoreRefusal, unstorable } from './result-json';
import { failJob } from './settle-delivery';

/** Records a run's result as the job's, then acks (acks_late). */
export async function recordResult(
  x: JobExecution,
  value: unknown,
  durationMs: number,
  doneTtlS: number,
): Promise<ExecutionOutcome> {
  const { job, attempt, owner } = x;
  let done: TransitionOutcome;
  try {
    if (unstorable(value)) throw new TypeError('unstorable result');
    done = await writeRunEnd(x, 'succeeded', { result: value ?? null, owner, ttlS: doneTtlS });
  } catch (err) {
    // A result JSON cannot hold, or one the store refuses for good, fails the job: rethrown, the
    // delivery would be released and the job run again, forever (each time behind its own lease).
    const problem = resultJsonProblem(value);
    const refusal = problem === undefined ? resultStoreRefusal(err) : undefined;
    if (problem === undefined && refusal === undefined) throw err;
    const error = problem
      ? { type: 'ResultNotSerializable', message: problem, retryable: false }
      : { type: 'ResultNotStored', message: refusal!, retryable: false };
    return failJob(
      x,
      error,
      problem ? 'result not serializable' : 'result refused by the store',
      owner,
      doneTtlS,
      durationMs,
    );
  }
  await x.delivery.ack();
  x.emit({
    type: done.ok ? 'succeeded' : 'skipped',
    job,
    attempt,
    durationMs,
    reason: done.ok ? undefined : done.reason,
  });
  return done.ok ? 'succeeded' : 'skipped';
}
