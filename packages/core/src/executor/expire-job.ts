import type { ExecutionOutcome, JobExecution } from './executor-types';
import { recordPatch } from './record-patch';
import { writeWithoutInputIfRefused } from './refused-record';
import { leaseMargin } from './run-budget';
import { alreadyFailed, deadLetterAgain, deferBehindLease } from './settle-delivery';

/** A delivery past its envelope's expiresAt: recorded expired without running. */
export async function expireJob(x: JobExecution): Promise<ExecutionOutcome> {
  const { job, attempt, owner, ttlS } = x;
  // Unless another run holds the job (a copy of a job that another run started before its expiry,
  // the same id published twice): that run's result would be lost. Not by taking the job
  // (`running`) first: that stamped a start on a job that never started. A run whose worker died
  // (its lease lapsed) is ended; this run's own lost start (owner) too. An input the store refuses
  // for good is left out of the record (see refused-record.ts).
  const patch = recordPatch(job, ttlS, undefined, owner);
  patch.unlessLeased = true;
  const out = await writeWithoutInputIfRefused(x, 'expired', patch);
  if (!out.ok && out.reason === 'lease-held')
    return deferBehindLease(x, out.leaseRemainingMs ?? leaseMargin(x.deps));
  if (alreadyFailed(out)) return deadLetterAgain(x);
  await x.delivery.ack();
  x.emit({ type: out.ok ? 'expired' : 'skipped', job, attempt });
  return out.ok ? 'expired' : 'skipped';
}
