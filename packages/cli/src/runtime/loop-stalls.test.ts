import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { watchLoopStalls } from './loop-stalls';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** The clock moves on while no timer runs: the event loop blocked for `ms`, then a tick. */
const block = (ms: number) => {
  vi.setSystemTime(Date.now() + ms);
  vi.advanceTimersByTime(250);
};

it('reports a block of the event loop once it ends; a shorter one within a minute is only counted', () => {
  const stalls: [number, number][] = [];
  const stop = watchLoopStalls((ms, unreported) => stalls.push([ms, unreported]), Date.now);
  vi.advanceTimersByTime(1000);
  block(900); // under a second: not a stall
  block(1800);
  expect(stalls).toEqual([[1800, 0]]);
  block(1200); // shorter: counted
  block(2600); // longer: reported, with the one before
  expect(stalls).toEqual([
    [1800, 0],
    [2600, 1],
  ]);
  vi.advanceTimersByTime(61_000);
  block(1100); // a minute later: reported again
  expect(stalls.at(-1)).toEqual([1100, 0]);
  stop();
});

it('sees a block that really happens', async () => {
  vi.useRealTimers();
  const stalls: number[] = [];
  const stop = watchLoopStalls((ms) => stalls.push(ms));
  const end = Date.now() + 1500;
  while (Date.now() < end) {} // synchronous CPU work, as a task may do
  await new Promise((r) => setTimeout(r, 400));
  stop();
  expect(stalls.length).toBe(1);
  expect(stalls[0]).toBeGreaterThanOrEqual(1200);
});
