import { TransportError } from '@warren/protocol';
import type { TransitionOutcome, TransitionPatch } from '../ports/result-store';
import type { JobExecution } from './executor-types';
import { writeWithoutInputIfRefused } from './refused-record';
import { LEASE_MARGIN_MS, leaseMargin } from './run-budget';

/**
 * How long the end of a run keeps trying a store that is down: well inside the lease margin (half
 * of it), so the run still holds its job (a copy delivered meanwhile is deferred) when the write lands.
 */
export const RUN_END_RETRY_MS = LEASE_MARGIN_MS / 2;

/** Half the executor's lease margin (RUN_END_RETRY_MS by default); a deadline cuts it (retryNotAfter). */
export const runEndRetryBudget = ({ deps }: Pick<JobExecution, 'deps'>): number => leaseMargin(deps) / 2;

/** When a run's retried writes stop under a deadline (a Lambda invocation's end): 1 s before it. */
export const retryNotAfter = (x: Pick<JobExecution, 'deadlineMs'>) =>
  (x.deadlineMs ?? Number.POSITIVE_INFINITY) - 1000;

/**
 * How long a start keeps trying: enough to learn whether a timed-out try was applied once the
 * store answers again; a longer outage hands the delivery back as before (nothing ran yet).
 */
export const RUN_START_RETRY_MS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `write` again while the store is unreachable (a recoverable TransportError), for up to
 * `budgetMs` after its first failure. The end of a run is the one write that cannot be made
 * later: thrown, the delivery was handed back with the record still `running` under this run's
 * lease, its copy deferred the whole lease (timeout + the 30 s margin) and then taken for a dead worker's
 * run (WorkerLostError: failed on a last attempt, run again otherwise) though the task had ended
 * and no worker died. Celery's result_backend_always_retry. Refusals and other errors are thrown at once.
 */
export async function retryWhileStoreDown<T>(
  write: () => Promise<T>,
  budgetMs = RUN_END_RETRY_MS,
  /** No try starts after this (epoch ms): a deadline's, which a budget counted from the first failure outlasted. */
  notAfterMs = Number.POSITIVE_INFINITY,
): Promise<T> {
  // Counted from the first failure: a try that timed out has used its whole command timeout.
  let until: number | undefined;
  for (let pause = 100; ; pause = Math.min(pause * 2, 1000)) {
    try {
      return await write();
    } catch (err) {
      until ??= Math.min(Date.now() + budgetMs, notAfterMs);
      if (!(err instanceof TransportError) || !err.recoverable || Date.now() + pause > until) throw err;
      await sleep(pause);
    }
  }
}

/**
 * The write that starts a run, made again for a moment while the store is unreachable (with a
 * deadline, a Lambda invocation's, only while 1 s of it is left: the run is then cut to what is
 * left, see execute-job.ts). A try that timed out may have been applied, its reply lost: thrown,
 * the delivery went back and its copy found the job `running` under this run's lease though no
 * run had begun, was deferred the whole lease, then failed it as a dead worker's run
 * (WorkerLostError) without running it (on Lambda too: one try there dead-lettered a job on its
 * last attempt for one lost reply). So each try after the first asks first to renew this run's
 * lease: granted, the lost try had started the run.
 */
export function writeRunStart(
  x: Pick<JobExecution, 'job' | 'owner' | 'write' | 'deadlineMs' | 'delivery' | 'inputRefusals'>,
  patch: TransitionPatch,
  /** An earlier start by this owner may have been applied: ask to renew its lease first. */
  mayHoldLease = false,
): Promise<TransitionOutcome> {
  const { job, owner, write } = x;
  let tried = mayHoldLease;
  return retryWhileStoreDown(
    async () => {
      if (tried) {
        const { leaseMs, ttlS } = patch;
        const mine = await write(job.id, 'running', { owner, leaseMs, ttlS, renew: true });
        // The job was not queued as far as this run knows: no earlier run of it to take over.
        if (mine.ok) return { ok: true, from: undefined };
      }
      tried = true;
      // The record nearly always exists (the producer wrote it): its creation fields (the input
      // among them) go only when the store finds none; without the input when, for a job refused
      // again and again, that is refused for memory (the enqueue's write, refused alike, is why
      // there is none).
      const { attempts, leaseMs, ttlS } = patch;
      const started = await write(job.id, 'running', { attempts, owner, leaseMs, ttlS, ifExists: true });
      if (started.ok || started.reason !== 'missing') return started;
      return writeWithoutInputIfRefused(x, 'running', patch, true);
    },
    RUN_START_RETRY_MS,
    retryNotAfter(x),
  );
}
