import type { ExecutionOutcome, JobExecution } from './executor-types';
import { recordPatch } from './record-patch';
import { writeWithoutInputIfRefused } from './refused-record';
import { leaseMargin } from './run-budget';
import { alreadyFailed, deadLetterAgain, deferBehindLease } from './settle-delivery';

/** A delivery past its envelope's expiresAt: recorded expired without running. */
export async function expireJob(x: JobExecution): Promise<ExecutionOutcome> {
  const { job, attempt, owner, ttlS, write } = x;
  // With this run's owner: a copy of a job that another run started before its expiry (the
  // same id published twice) must not expire it under that run, whose result would be lost.
  // An input the store refuses for good is left out of the record (see refused-record.ts).
  let out = await writeWithoutInputIfRefused(x, 'expired', recordPatch(job, ttlS, undefined, owner));
  if (!out.ok && out.reason === 'not-owner') {
    // Running elsewhere, or it was and that worker died: expire it once its lease is gone.
    const marginMs = leaseMargin(x.deps);
    const took = await writeWithoutInputIfRefused(
      x,
      'running',
      recordPatch(job, ttlS, undefined, owner, marginMs),
    );
    if (!took.ok && took.reason === 'lease-held')
      return deferBehindLease(x, took.leaseRemainingMs ?? marginMs);
    out = took.ok ? await write(job.id, 'expired', { owner, ttlS }) : took;
  }
  if (alreadyFailed(out)) return deadLetterAgain(x);
  await x.delivery.ack();
  x.emit({ type: out.ok ? 'expired' : 'skipped', job, attempt });
  return out.ok ? 'expired' : 'skipped';
}
