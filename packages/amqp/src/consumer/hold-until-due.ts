/** The longest a consumer waits out a nearly due message itself rather than send it through a tier. */
export const MAX_HOLD_MS = 1000;

/**
 * Whether a message back from its delay tier `remainingMs` early is waited out in the consumer.
 * A remainder below the smallest tier can only go through that tier again, so the job ran up to
 * a whole tier late (default tiers: delayMs 5010 ran 255 ms late, 5000 ran ~10 ms late). Held
 * instead, for at most the smallest tier (and MAX_HOLD_MS), it runs when due.
 */
export function holdsInsteadOfHop(tiersMs: readonly number[], remainingMs: number): boolean {
  return remainingMs < Math.min(MAX_HOLD_MS, ...tiersMs);
}

/** Resolves once `dueMs` (epoch ms) has passed by the wall clock (a timer may fire a tick early). */
export async function holdUntil(dueMs: number): Promise<void> {
  for (let left = dueMs - Date.now(); left > 0; left = dueMs - Date.now())
    await new Promise((r) => setTimeout(r, left));
}
