/** Milliseconds until an ISO time such as a job's `notBefore` (0 when absent, unparsable or past). */
export function msUntil(iso: string | undefined, now = Date.now()): number {
  const at = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(at) ? Math.max(0, at - now) : 0;
}
