import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AckTracker } from './ack-tracker';

describe('AckTracker', () => {
  it('acks only the contiguous settled prefix', () => {
    const t = new AckTracker();
    for (const tag of [1, 2, 3, 4]) t.track(tag);
    t.settle(2);
    t.settle(3);
    expect(t.takeAckable()).toBeUndefined();
    t.settle(1);
    expect(t.takeAckable()).toEqual({ upTo: 3, count: 3 });
    expect(t.inFlight).toBe(1);
    t.settle(4);
    expect(t.takeAckable()).toEqual({ upTo: 4, count: 1 });
    expect(t.inFlight).toBe(0);
  });

  it('never covers an unsettled tag, whatever the settle order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 300 }), (keys) => {
        const n = keys.length;
        const t = new AckTracker();
        for (let i = 1; i <= n; i++) t.track(i);
        const order = keys.map((k, i) => ({ k, tag: i + 1 })).sort((a, b) => a.k - b.k);
        const settled = new Set<number>();
        let acked = 0;
        for (const { tag } of order) {
          t.settle(tag);
          settled.add(tag);
          const a = t.takeAckable();
          if (a) {
            for (let x = acked + 1; x <= a.upTo; x++) expect(settled.has(x)).toBe(true);
            expect(a.count).toBe(a.upTo - acked);
            acked = a.upTo;
          }
        }
        expect(acked).toBe(n);
        expect(t.inFlight).toBe(0);
      }),
    );
  });
});
