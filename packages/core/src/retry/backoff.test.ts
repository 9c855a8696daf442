import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

const policy = { kind: 'exponential' as const, baseMs: 100, maxMs: 1000, jitter: true };

describe('backoffDelay', () => {
  it('doubles the cap per attempt up to maxMs (random = 1 shows the cap)', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(policy, a, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });
  it('applies full jitter: uniform in [0, cap]', () => {
    const xs = Array.from({ length: 2000 }, () => backoffDelay(policy, 3));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThanOrEqual(400);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(170);
    expect(mean).toBeLessThan(230);
  });
  it('supports fixed delays and no jitter', () => {
    expect(backoffDelay({ ...policy, kind: 'fixed' }, 7, () => 1)).toBe(100);
    expect(backoffDelay({ ...policy, jitter: false }, 2, () => 0)).toBe(200);
  });
  it('does not overflow for huge attempt numbers', () => {
    expect(backoffDelay({ ...policy, jitter: false }, 5000)).toBe(1000);
  });

  it('caps a fixed delay at maxMs as the exponential kind does (an envelope made elsewhere may have base > max)', () => {
    const over = { kind: 'fixed' as const, baseMs: 5000, maxMs: 1000, jitter: false };
    expect(backoffDelay(over, 1)).toBe(1000);
    expect(backoffDelay({ ...over, kind: 'exponential' }, 1)).toBe(1000);
    const jittered = Array.from({ length: 200 }, () => backoffDelay({ ...over, jitter: true }, 3));
    expect(Math.max(...jittered)).toBeLessThanOrEqual(1000);
    expect(Math.min(...jittered)).toBeGreaterThanOrEqual(0);
  });
});
