import type { Backoff } from '@warren/protocol';

/**
 * Delay before attempt `attempt + 1`, after attempt `attempt` failed.
 * Exponential with full jitter (AWS architecture blog): uniform in [0, min(max, base·2^(n-1))],
 * which spreads a thundering herd best. A few lines, so no library. `fixed` is capped at maxMs
 * too: defineTask refuses baseMs > maxMs, but an envelope made elsewhere (another producer, a
 * codec) may carry one, and the exponential kind already never waits past maxMs.
 */
export function backoffDelay(policy: Backoff, attempt: number, random: () => number = Math.random): number {
  const cap =
    policy.kind === 'fixed'
      ? Math.min(policy.maxMs, policy.baseMs)
      : Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 40)));
  return Math.round(policy.jitter ? random() * cap : cap);
}

export const DEFAULT_BACKOFF: Backoff = { kind: 'exponential', baseMs: 1000, maxMs: 300_000, jitter: true };
