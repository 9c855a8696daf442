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
