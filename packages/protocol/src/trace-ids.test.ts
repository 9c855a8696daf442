import { expect, it } from 'vitest';
import { newSpanId, newTraceparent } from './trace-ids';
import { normalizeTraceparent } from './trace-parent';

it('is a valid version-00 sampled traceparent, a new trace each time, across pool refills', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const tp = newTraceparent();
    expect(tp).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(normalizeTraceparent(tp)).toBe(tp);
    seen.add(tp.slice(3, 35));
    expect(newSpanId()).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
  }
  expect(seen.size).toBe(1000);
});

/** The fastest of several blocks, ns per call: the block least disturbed by other work. */
function fastest(f: () => unknown, blocks = 60, n = 500): number {
  let best = Number.POSITIVE_INFINITY;
  for (let b = 0; b < blocks; b++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) f();
    best = Math.min(best, ((performance.now() - t0) * 1e6) / n);
  }
  return best;
}

// The ingest is benchmarked: one of these per enqueue without a traceparent must stay cheap
// (~0.2 µs; an Array.from/join over a fresh getRandomValues per id took ~7 µs). The fastest
// block is robust to a loaded machine (a mean over a busy test run was not); it is printed.
it('costs well under the old 7 µs per call (micro-benchmark)', () => {
  fastest(newTraceparent, 20);
  const ns = fastest(newTraceparent);
  console.log(`newTraceparent: ${ns.toFixed(0)} ns per call (fastest block)`);
  expect(ns).toBeLessThan(1500);
});
