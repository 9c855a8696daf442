import { describe, expect, it } from 'vitest';
import { StillnessWatch } from './stood-still';

const block = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until);
};
const turn = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StillnessWatch', () => {
  it('says so after the event loop stood still past the gap, until cleared; not while it turns', async () => {
    const w = new StillnessWatch(200);
    try {
      await turn(300); // ticks every 50 ms
      expect(w.stoodStill()).toBe(false);
      block(260);
      expect(w.stoodStill()).toBe(true); // before any tick ran again
      await turn(120);
      expect(w.stoodStill()).toBe(true); // a tick saw the jump: still said after timers ran
      w.clear();
      expect(w.stoodStill()).toBe(false);
    } finally {
      w.stop();
    }
  });
});
