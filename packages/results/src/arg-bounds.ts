/**
 * Redis takes expiries as whole seconds in int64 range, and the script formats leases with
 * `%d`; task options (`resultTtlS`, timeouts) reach here unbounded. An out-of-range value made
 * EXPIRE fail after HSET had written: the record kept no TTL and the whole batch was rejected.
 */

/** ~31,700 years: effectively forever, yet far inside what EXPIRE and `nowMs + leaseMs` hold. */
const MAX_TTL_S = 1e12;
const MAX_LEASE_MS = 1e15;

/**
 * A TTL as EXPIRE / SET EX takes it: rounded up, at least 1 s (a record must outlive its own
 * write, so the outcome carries it and a duplicate delivery is still recognised), NaN → fallback.
 */
export function ttlArg(ttlS: number | undefined, fallbackS: number): string {
  let s = ttlS ?? fallbackS;
  if (Number.isNaN(s)) s = fallbackS;
  if (s >= 1 && s <= MAX_TTL_S && Number.isInteger(s)) return String(s); // the usual case
  return String(Math.min(MAX_TTL_S, Math.max(1, Math.ceil(s))));
}

/** A lease in whole ms, ±MAX_LEASE_MS (Infinity holds "forever", as in memory); NaN → fallback. */
export function leaseArg(leaseMs: number | undefined, fallbackMs: number): string {
  let ms = leaseMs ?? fallbackMs;
  if (Number.isNaN(ms)) ms = fallbackMs;
  return String(Math.min(MAX_LEASE_MS, Math.max(-MAX_LEASE_MS, Math.round(ms))));
}
