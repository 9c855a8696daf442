import type { Problem } from '@warren/protocol';

/** A non-2xx answer from the ingest, carrying its problem+json body. */
export class WarrenHttpError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    readonly retryAfterMs?: number,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = 'WarrenHttpError';
  }
}

export class WaitTimeoutError extends Error {
  constructor(id: string, ms: number) {
    super(`job ${id} did not finish within ${ms} ms`);
    this.name = 'WaitTimeoutError';
  }
}

export const isRetryableStatus = (status: number) =>
  status === 429 || status === 503 || status === 502 || status === 504;

/** Retry-After as seconds or an HTTP date, in ms. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const s = Number(value);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}
