import * as z from 'zod';

export const JOB_STATES = [
  'scheduled',
  'queued',
  'running',
  'retrying',
  'succeeded',
  'failed',
  'cancelled',
  'expired',
] as const;

export const jobStateSchema = z.enum(JOB_STATES);
export type JobState = z.infer<typeof jobStateSchema>;

export const TERMINAL_STATES: ReadonlySet<JobState> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'expired',
]);

export const isTerminal = (state: JobState): boolean => TERMINAL_STATES.has(state);

/**
 * Legal moves. `undefined` is "no record yet": a worker may create the record in `running`
 * when it sees a job before the ingest's `queued` write landed, or for foreign producers.
 * `running → running` is a lease renewal (same owner) or a takeover (lease expired). A write
 * marked `renew` (a run's progress) is only ever the former: refused unless the job is running
 * under that owner, so it cannot start, take over or create a record (see applyTransition).
 */
export const TRANSITIONS: Readonly<Record<JobState | 'none', readonly JobState[]>> = {
  none: ['queued', 'scheduled', 'running', 'cancelled', 'expired', 'failed'],
  scheduled: ['queued', 'running', 'cancelled', 'expired', 'failed'],
  queued: ['running', 'retrying', 'cancelled', 'expired', 'failed'],
  running: ['running', 'retrying', 'succeeded', 'failed', 'cancelled', 'expired'],
  retrying: ['running', 'cancelled', 'expired', 'failed'],
  succeeded: [],
  failed: [],
  cancelled: [],
  expired: [],
};

export const canTransition = (from: JobState | undefined, to: JobState): boolean =>
  TRANSITIONS[from ?? 'none'].includes(to);
