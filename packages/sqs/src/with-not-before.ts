import type { JobEnvelope } from '@warren/core';
import { MAX_DELAY_S } from './limits';

/**
 * A wait longer than DelaySeconds allows must be in the body, or the job would run after 15 min:
 * stamp notBefore when the envelope has none (or an earlier one). Otherwise the same object.
 * `overMs`: the longest wait left out of the body (0 on FIFO queues, which take no DelaySeconds).
 */
export function withNotBefore(
  job: JobEnvelope,
  delayMs: number | undefined,
  overMs = MAX_DELAY_S * 1000,
): JobEnvelope {
  if (!delayMs || delayMs <= overMs) return job;
  const due = Date.now() + delayMs;
  const has = job.notBefore ? Date.parse(job.notBefore) : Number.NaN;
  if (Number.isFinite(has) && has >= due - 1000) return job;
  return { ...job, notBefore: new Date(due).toISOString() };
}
