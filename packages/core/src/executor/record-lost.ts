import type { JobState } from '@warren/protocol';
import type { TransitionOutcome, TransitionPatch } from '../ports/result-store';
import type { JobExecution } from './executor-types';
import { recordPatch } from './record-patch';
import { leaseMargin } from './run-budget';
import { retryNotAfter, retryWhileStoreDown, runEndRetryBudget } from './store-outage-retry';

/**
 * The end of this run's write (`succeeded`, `retrying`), made again on a record remade from the
 * envelope when the job has no record any more: its Redis lost it while the job ran (a restart
 * without persistence, a failover to a replica that lacked it, an eviction under a volatile-*
 * maxmemory policy). The store refuses those moves from no record ('illegal', no state), and
 * the refusal read as a duplicate's: the delivery was acked, a succeeded job's result and a
 * retry dropped, the job gone. The record comes back as this run's (`running`, its owner, a
 * short lease), so a run that took the job meanwhile (a lease then held) still wins.
 */
export async function writeRunEnd(
  x: JobExecution,
  to: JobState,
  patch: TransitionPatch,
): Promise<TransitionOutcome> {
  // A store down for a moment as the run ends: waited out (see store-outage-retry.ts).
  let failedTry = false;
  const out = await retryWhileStoreDown(
    () =>
      x.write(x.job.id, to, patch).catch((err: unknown) => {
        failedTry = true;
        throw err;
      }),
    runEndRetryBudget(x),
    retryNotAfter(x),
  );
  // A failed try may have been applied with its reply lost (a timeout, a reset after the store
  // ran it): the next try then met this write's own effect and was refused, and a 'retrying'
  // refused was taken for another run's move: the delivery acked, the retry never sent, the job
  // left 'retrying' for good. The record already in the state this write makes is this write's:
  // no other run can move the job while this run holds its lease (the retries end well inside it).
  if (!out.ok && failedTry && out.state === to) return { ok: true, from: 'running' };
  if (out.ok || out.reason !== 'illegal' || out.state !== undefined) return out;
  const { job, attempt, owner } = x;
  const ttlS = patch.ttlS ?? x.ttlS;
  const took = await x.write(job.id, 'running', recordPatch(job, ttlS, attempt, owner, leaseMargin(x.deps)));
  return took.ok ? x.write(job.id, to, patch) : took;
}
