import { HOLD_UNDER_MS } from '@warren/core';

/**
 * Whether a message back from its delay tier `remainingMs` early is waited out in the consumer.
 * A remainder below the smallest tier can only go through that tier again, so the job ran up to
 * a whole tier late (default tiers: delayMs 5010 ran 255 ms late, 5000 ran ~10 ms late). Held
 * instead, for at most the smallest tier (and core's HOLD_UNDER_MS), it runs when due.
 */
export function holdsInsteadOfHop(tiersMs: readonly number[], remainingMs: number): boolean {
  return remainingMs < Math.min(HOLD_UNDER_MS, ...tiersMs);
}
