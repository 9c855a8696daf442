import type { JobEnvelope } from '@warren/protocol';
import { waitingTtlS } from '../state/waiting-ttl';
import type { ExecutorDeps } from './executor-types';

/**
 * A run's lease: its timeout plus this (a copy delivered meanwhile is deferred that long). The
 * default of the executor's `leaseMarginMs` (`worker.leaseMarginMs` in the config).
 */
export const LEASE_MARGIN_MS = 30_000;

/** The lease margin this executor uses: its `leaseMarginMs`, else LEASE_MARGIN_MS. */
export const leaseMargin = (deps: Pick<ExecutorDeps, 'leaseMarginMs'>): number =>
  deps.leaseMarginMs ?? LEASE_MARGIN_MS;
const DEADLINE_SAFETY_MS = 1_000;

/** How long one run may take, how long it holds the job, and how long its record is kept. */
export interface RunBudget {
  timeoutMs: number;
  leaseMs: number;
  /** The record's TTL while the job runs. */
  runTtlS: number;
  /** The record's TTL once the run has ended the job. */
  doneTtlS: number;
}

export function runBudget(
  job: JobEnvelope,
  taskTimeoutMs: number,
  ttlS: number,
  deadlineMs = Number.POSITIVE_INFINITY,
  leaseMarginMs = LEASE_MARGIN_MS,
): RunBudget {
  const timeoutMs = Math.max(
    1,
    Math.min(
      job.timeoutMs !== undefined && job.timeoutMs < taskTimeoutMs ? job.timeoutMs : taskTimeoutMs,
      deadlineMs - Date.now() - DEADLINE_SAFETY_MS,
    ),
  );
  const leaseMs = timeoutMs + leaseMarginMs;
  return {
    timeoutMs,
    leaseMs,
    // ttlS counts from the job's end: a record kept only that long while the job runs (or waits
    // for its retry) expired under it, and the result write then found no record and was refused.
    // A run whose worker dies leaves its job waiting again (its copy deferred behind the lease,
    // then the queue): kept only ttlS past the lease, the record was gone by then and the copy
    // ran as a fresh start, a job that kills its worker for good (see lostRunSpent).
    runTtlS: waitingTtlS(ttlS) + Math.ceil(leaseMs / 1000),
    // A copy of this job deferred while it ran (lease-held) comes back up to a lease later (plus
    // the delay tiers' and the queue's lateness): the finished record must still be there then,
    // or that copy would run the job again.
    doneTtlS: Math.max(ttlS, Math.ceil(leaseMs / 1000) + 60),
  };
}

/**
 * The run's timeout once its start is written: `timeoutMs` (from runBudget, before the start),
 * cut to what is left before `deadlineMs` less the same safety, never below 1 ms.
 */
export function runTimeoutAfterStart(timeoutMs: number, deadlineMs?: number): number {
  if (deadlineMs === undefined) return timeoutMs;
  return Math.max(1, Math.min(timeoutMs, deadlineMs - Date.now() - DEADLINE_SAFETY_MS));
}
