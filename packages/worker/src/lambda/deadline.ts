/** What the handlers need from the Lambda context (a plain object works in tests). */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/**
 * Time kept back from the invocation's remaining time for writing the result and settling the
 * message after a task is cut off (the executor keeps another second of its own).
 */
export const SETTLE_RESERVE_MS = 1500;

/**
 * Least time left for a task (after the settle reserve) for a record to be started: 5 s of run
 * time plus the executor's own 1 s. The handlers do not know each task's timeout, so it is one
 * figure; a record that would start with less is handed back unrun, since the executor would give
 * it what is left (down to 1 ms), time it out and spend an attempt.
 */
export const MIN_START_MS = 6000;

/** Absolute epoch ms by which tasks must finish, or undefined outside Lambda. */
export function invocationDeadline(ctx: InvocationContext | undefined): number | undefined {
  if (!ctx || typeof ctx.getRemainingTimeInMillis !== 'function') return undefined;
  return Date.now() + ctx.getRemainingTimeInMillis() - SETTLE_RESERVE_MS;
}

/**
 * Per invocation: whether a record may still start. The floor is MIN_START_MS, or half the
 * invocation's time at its start when that is less, so a short Lambda (3 s default) still starts
 * the records it begins with and every invocation makes progress.
 */
export function startGate(ctx: InvocationContext | undefined) {
  const at0 = invocationDeadline(ctx);
  const floor = at0 === undefined ? 0 : Math.min(MIN_START_MS, (at0 - Date.now()) / 2);
  return {
    /** The deadline to run a record under now (the context is re-read: it is authoritative). */
    deadlineMs: () => invocationDeadline(ctx),
    tooLate(): boolean {
      const d = invocationDeadline(ctx);
      return d !== undefined && d - Date.now() < floor;
    },
  };
}
