/** What the handlers need from the Lambda context (a plain object works in tests). */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/**
 * Time kept back from the invocation's remaining time for writing the result and settling the
 * message after a task is cut off (the executor keeps another second of its own).
 */
export const SETTLE_RESERVE_MS = 1500;

/** Absolute epoch ms by which tasks must finish, or undefined outside Lambda. */
export function invocationDeadline(ctx: InvocationContext | undefined): number | undefined {
  if (!ctx || typeof ctx.getRemainingTimeInMillis !== 'function') return undefined;
  return Date.now() + ctx.getRemainingTimeInMillis() - SETTLE_RESERVE_MS;
}

/** How long until the job's `notBefore`, in ms (0: due now or no notBefore). */
export function msUntilDue(notBefore: string | undefined, now = Date.now()): number {
  const at = notBefore ? Date.parse(notBefore) : Number.NaN;
  return Number.isFinite(at) ? Math.max(0, at - now) : 0;
}
