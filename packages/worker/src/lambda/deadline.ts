import type { JobEnvelope, JobError } from '@warren/core';

/** What the handlers need from the Lambda context (a plain object works in tests). */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/**
 * Time kept back from the invocation's remaining time for writing the result and settling the
 * message after a task is cut off (the executor keeps another second of its own).
 */
export const SETTLE_RESERVE_MS = 1500;

/** What the executor keeps back from a task's run before the deadline. */
const EXECUTOR_SAFETY_MS = 1000;

/**
 * Time the first records of an invocation may take to reach their start (mapping, an SQS lookup)
 * for their task to still count as fitting: a task that fits only to the millisecond would be
 * handed back by every invocation, so it is run with what is left instead (as before).
 */
const START_SLACK_MS = 1000;

/**
 * Least time left for a task (after the settle reserve) for a record to be started when its task
 * can never get its whole timeout in one invocation (or is unknown): 5 s of run time plus the
 * executor's own 1 s. A record that would start with less is handed back unrun, since the
 * executor would give it what is left (down to 1 ms), time it out and spend an attempt.
 */
export const MIN_START_MS = 6000;

/** Absolute epoch ms by which tasks must finish, or undefined outside Lambda. */
export function invocationDeadline(ctx: InvocationContext | undefined): number | undefined {
  if (!ctx || typeof ctx.getRemainingTimeInMillis !== 'function') return undefined;
  return Date.now() + ctx.getRemainingTimeInMillis() - SETTLE_RESERVE_MS;
}

/**
 * Per invocation: whether a record may still start. A task whose timeout fits in the invocation's
 * time at its start (less START_SLACK_MS) starts only while it still fits: started later (a batch
 * larger than the concurrency) it was cut short by the invocation's deadline and charged an
 * attempt (or failed on its last), though the next invocation would give it its whole timeout.
 * Otherwise (timeout unknown, or longer than the invocation) the floor is MIN_START_MS, or half
 * the invocation's time at its start when that is less, so a short Lambda (3 s default) still
 * starts the records it begins with. Either way the records taken at the start run: every
 * invocation makes progress, unless the function's whole time is too short (`neverFits`).
 */
export function startGate(ctx: InvocationContext | undefined) {
  const at0 = invocationDeadline(ctx);
  const atStart = at0 === undefined ? 0 : at0 - Date.now();
  const floor = Math.min(MIN_START_MS, atStart / 2);
  const threshold = (timeoutMs?: number) => {
    const need = timeoutMs === undefined ? Number.POSITIVE_INFINITY : timeoutMs + EXECUTOR_SAFETY_MS;
    return need <= atStart - START_SLACK_MS ? need : floor;
  };
  return {
    /** The invocation's remaining time when the handler started (~ the function's timeout). */
    startMs: atStart + SETTLE_RESERVE_MS,
    /** The deadline to run a record under now (the context is re-read: it is authoritative). */
    deadlineMs: () => invocationDeadline(ctx),
    /** Whether a record of a task with `timeoutMs` (if known) must be handed back unrun. */
    tooLate(timeoutMs?: number): boolean {
      const d = invocationDeadline(ctx);
      if (d === undefined) return false;
      return d - Date.now() < threshold(timeoutMs);
    },
    /**
     * Whether the record would have been too late at the invocation's very start: every later
     * invocation of this function (the same timeout) hands it back too, for ever, so it is to be
     * failed instead. Only a function shorter than the settle reserve gets here today.
     */
    neverFits(timeoutMs?: number): boolean {
      return at0 !== undefined && atStart <= threshold(timeoutMs);
    },
  };
}

/** The job error for a record `neverFits` refused: what does not fit, and what to change. */
export function functionTooShort(task: string, timeoutMs: number | undefined, startMs: number): JobError {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const timeout = timeoutMs === undefined ? '' : ` (timeout ${timeoutMs} ms)`;
  return {
    type: 'FunctionTimeoutTooShort',
    message:
      `task ${task}${timeout} cannot start in this function: ${s(startMs)} per invocation, less ` +
      `${s(SETTLE_RESERVE_MS)} kept to settle the message, leaves it no time; raise the function's timeout`,
    retryable: false,
  };
}

/**
 * The time a job's run may take, for the start gate: its task's timeout, or the job's own when
 * shorter (the envelope's timeoutMs, a Celery time_limit), as the executor runs it. Gated by the
 * task's alone, a job that fits an invocation under a task that does not was started with any time
 * above the floor and cut short (an attempt spent), and one under a task that fits was handed back
 * while it still fitted.
 */
export function jobTimeoutMs(job: Pick<JobEnvelope, 'timeoutMs'>, taskTimeoutMs: number | undefined) {
  if (job.timeoutMs === undefined) return taskTimeoutMs;
  return taskTimeoutMs === undefined ? job.timeoutMs : Math.min(job.timeoutMs, taskTimeoutMs);
}
