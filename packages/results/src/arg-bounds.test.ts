import { describe, expect, it } from 'vitest';
import { leaseArg, ttlArg } from './arg-bounds';

describe('TTL and lease arguments', () => {
  it('passes whole seconds through, rounds up, and keeps within 1 s..1e12 s', () => {
    expect(ttlArg(30, 86_400)).toBe('30');
    expect(ttlArg(undefined, 86_400)).toBe('86400');
    expect(ttlArg(0.4, 10)).toBe('1');
    expect(ttlArg(1.5, 10)).toBe('2');
    expect([0, -5, Number.NEGATIVE_INFINITY].map((t) => ttlArg(t, 10))).toEqual(['1', '1', '1']);
    expect([1e20, Number.POSITIVE_INFINITY].map((t) => ttlArg(t, 10))).toEqual([
      '1000000000000',
      '1000000000000',
    ]);
    expect(ttlArg(Number.NaN, 10)).toBe('10');
  });

  it('rounds leases to whole ms within ±1e15, negatives (already lapsed) kept', () => {
    expect(leaseArg(60_000.4, 5)).toBe('60000');
    expect(leaseArg(-1, 5)).toBe('-1');
    expect(leaseArg(undefined, 5)).toBe('5');
    expect(leaseArg(Number.NaN, 5)).toBe('5');
    expect(leaseArg(Number.POSITIVE_INFINITY, 5)).toBe('1000000000000000');
    expect(leaseArg(-1e300, 5)).toBe('-1000000000000000');
  });
});
