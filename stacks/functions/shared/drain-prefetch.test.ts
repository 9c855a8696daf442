import { describe, expect, it } from 'vitest';
import { drainPrefetch } from './drain-prefetch';

const KiB = 1024;

describe('drainPrefetch', () => {
  it("keeps what every link may hold within half the drain's memory", () => {
    for (const links of [1, 2, 3, 8]) {
      const p = drainPrefetch(512, links, 256 * KiB);
      expect(p * links * (256 * KiB + 4096)).toBeLessThanOrEqual(256 * 1024 * KiB);
    }
    // Two links of 256 KiB jobs: the forwarder's 1,000 each would hold 500 MB in a 512 MB Lambda.
    expect(drainPrefetch(512, 2, 256 * KiB)).toBe(504);
  });

  it('stays at the forwarder default for small jobs, and never below 10', () => {
    expect(drainPrefetch(512, 4, 16 * KiB)).toBe(1000);
    expect(drainPrefetch(512, 100, 1024 * KiB)).toBe(10);
  });
});
