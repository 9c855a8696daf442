import type { JobState } from '@warren/protocol';
import { JobCancelledError } from '../task/task-errors';

/**
 * Why a run's `ctx.signal` aborts when the job is no longer this run's: its lease lapsed (an
 * event-loop stall, a worker cut off from its store) and the job moved on without it (another run
 * took it over, retried it or finished it). Whatever the run does from then on is not recorded;
 * a task that stops at once saves the work and the side effects.
 */
export class LeaseLostError extends Error {
  constructor(jobId: string, state?: string) {
    super(`job ${jobId} is no longer this run's (its lease lapsed; the job is ${state ?? 'gone'})`);
    this.name = 'LeaseLostError';
  }
}

/** Why a run no longer has its job, found in `state`: cancelled, else taken over or moved on. */
export const lostReason = (jobId: string, state: JobState | undefined): Error =>
  state === 'cancelled' ? new JobCancelledError(jobId) : new LeaseLostError(jobId, state);
