/**
 * A wait's `timeoutMs`, refused unless a number (both clients): NaN made every bound false (a
 * loop of reads with no end), and a string (an environment variable not converted) was joined to
 * `Date.now()` as text, a deadline some 500,000 years off: a wait that never timed out.
 */
export function waitTimeoutMs(value: unknown): number {
  if (typeof value === 'number' && !Number.isNaN(value)) return value;
  throw new RangeError(`timeoutMs must be a number, got ${JSON.stringify(value) ?? String(value)}`);
}
