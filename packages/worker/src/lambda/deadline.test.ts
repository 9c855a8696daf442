import { afterEach, describe, expect, it, vi } from 'vitest';
import { SETTLE_RESERVE_MS, startGate } from './deadline';

afterEach(() => vi.useRealTimers());

/** A Lambda context whose remaining time runs down with the (fake) clock. */
const invocation = (remainingMs: number) => {
  const until = Date.now() + remainingMs;
  return { getRemainingTimeInMillis: () => until - Date.now() };
};

describe('startGate', () => {
  it('a task that fits in the invocation starts only while its whole timeout still fits', () => {
    vi.useFakeTimers();
    const gate = startGate(invocation(20_000 + SETTLE_RESERVE_MS)); // 20 s for tasks
    expect(gate.tooLate(9000)).toBe(false); // needs 10 s (+1 s the executor keeps)
    vi.advanceTimersByTime(10_001);
    expect(gate.tooLate(9000)).toBe(true); // 9.999 s left: it would be cut short
    expect(gate.tooLate(1000)).toBe(false); // a short task still fits
    expect(gate.tooLate()).toBe(false); // unknown timeout: the 6 s floor, as before
  });

  it('a task that fits only to the last second, or never, runs with what is left above the floor', () => {
    vi.useFakeTimers();
    const gate = startGate(invocation(20_000 + SETTLE_RESERVE_MS));
    expect(gate.tooLate(18_500)).toBe(false); // the first records run: every invocation progresses
    expect(gate.tooLate(60_000)).toBe(false);
    vi.advanceTimersByTime(13_000);
    expect(gate.tooLate(60_000)).toBe(false); // 7 s left, above the 6 s floor
    vi.advanceTimersByTime(1_001);
    expect(gate.tooLate(60_000)).toBe(true);
  });

  it('a record that merely comes late in a batch is not one that never fits', () => {
    vi.useFakeTimers();
    const gate = startGate(invocation(20_000 + SETTLE_RESERVE_MS));
    vi.advanceTimersByTime(15_000);
    expect(gate.tooLate(9000)).toBe(true);
    expect(gate.neverFits(9000)).toBe(false); // the next invocation runs it
    expect(gate.neverFits(60_000)).toBe(false); // runs with what a fresh invocation has
    expect(gate.neverFits()).toBe(false);
  });

  it('a function shorter than the settle reserve can start no record: each one never fits', () => {
    vi.useFakeTimers();
    for (const ms of [1000, SETTLE_RESERVE_MS]) {
      const gate = startGate(invocation(ms));
      vi.advanceTimersByTime(1);
      expect([gate.tooLate(100), gate.neverFits(100), gate.neverFits()]).toEqual([true, true, true]);
      expect(gate.startMs).toBe(ms);
    }
  });

  it('outside Lambda nothing is ever too late', () => {
    expect(startGate(undefined).tooLate(1)).toBe(false);
    expect(startGate(undefined).neverFits(1)).toBe(false);
  });
});
