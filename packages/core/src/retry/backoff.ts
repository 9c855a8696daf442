import type { Backoff } from '@warren/protocol';

/**
 * Delay before attempt `attempt + 1`, after attempt `attempt` failed.
 * Exponential with full jitter (AWS architecture blog): uniform in [0, min(max, base·2^(n-1))],
 * which spreads a thundering herd best. A few lines, so no library.
 */
export function backoffDelay(policy: Backoff, attempt: number, random: () => number = Math.random): number {
  const cap =
    policy.kind === 'fixed'
      ? policy.baseMs
      : Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 40)));
  return Math.round(policy.jitter ? random() * cap : cap);
}

export const DEFAULT_BACKOFF: Backoff = { kind: 'exponential', baseMs: 1000, maxMs: 300_000, jitter: true };
