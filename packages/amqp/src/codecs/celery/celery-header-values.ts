import { shortMessage } from '@warren/core';
import type { DecodeResult } from '../../codec';

// Celery header values (dates, time limits) as warren reads and writes them.

/**
 * Dates as Python's `datetime.isoformat()` writes them (`…:05.678000+00:00`). Not cosmetic:
 * Celery 5.2's `parse_iso8601` reads the fraction digits as microseconds, so a JavaScript
 * `.678Z` would become 678 µs and the ETA would fire up to a second early.
 */
export function pyIsoformat(iso: string | undefined): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 23)}000+00:00`;
}

/**
 * Celery writes `datetime.isoformat()`: microseconds and `+00:00`, naive when the app has
 * `enable_utc=False` with no timezone (read as UTC, Celery's default). Returns ISO-8601 `Z`.
 */
export function celeryDate(v: unknown, field: string): string | undefined | DecodeResult {
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v !== 'string') return { ok: false, reason: `${field} header is not an ISO-8601 string` };
  const withZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(v) ? v : `${v}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms))
    // Cut when long: the reason rides beside the message's own headers into the dead-letter queue.
    return {
      ok: false,
      reason: `${field} header ${shortMessage(JSON.stringify(v))} is not an ISO-8601 date`,
    };
  return new Date(ms).toISOString();
}

export const limitS = (ms: number | undefined): number | null =>
  ms === undefined ? null : Math.ceil(ms / 1000);

/**
 * The run time a message's `timelimit` header ([hard, soft] seconds, Celery's per-call
 * time_limit / soft_time_limit) allows, in ms: the smaller one set. warren has one limit, which
 * aborts the task's signal (soft) and stops waiting for it (hard).
 */
export function timeLimitMs(v: unknown): number | undefined {
  if (!Array.isArray(v)) return undefined;
  let ms: number | undefined;
  for (const s of v.slice(0, 2)) {
    if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0) continue;
    const m = Math.min(2_147_483_647, Math.max(1, Math.round(s * 1000)));
    ms = ms === undefined ? m : Math.min(ms, m);
  }
  return ms;
}

/** A limit from the message only when it is shorter than the task's own timeout (else the task's applies). */
export const shorterLimit = (ms: number | undefined, taskMs: number | undefined): number | undefined =>
  ms !== undefined && (taskMs === undefined || ms < taskMs) ? ms : undefined;
