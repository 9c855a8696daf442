import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReadyQueue } from './ready-queue';

interface Msg {
  id: number;
  priority: number;
}

/** The plain-array queue the broker had: what ReadyQueue must match, operation for operation. */
function referenceInsert(ready: Msg[], msg: Msg, front: boolean): void {
  let i = front ? 0 : ready.length;
  if (front) while (i < ready.length && ready[i]!.priority > msg.priority) i++;
  else while (i > 0 && ready[i - 1]!.priority < msg.priority) i--;
  ready.splice(i, 0, msg);
}

describe('ReadyQueue', () => {
  it('gives highest priority first, equals in publish order, a handed-back message ahead of its equals', () => {
    const q = new ReadyQueue<Msg>();
    q.insert({ id: 1, priority: 0 }, false);
    q.insert({ id: 2, priority: 5 }, false);
    q.insert({ id: 3, priority: 0 }, false);
    q.insert({ id: 4, priority: 0 }, true);
    q.insert({ id: 5, priority: 5 }, false);
    expect(q.length).toBe(5);
    expect(q.peek()?.id).toBe(2);
    expect(Array.from({ length: 5 }, () => q.shift()?.id)).toEqual([2, 5, 4, 1, 3]);
    expect(q.shift()).toBeUndefined();
    expect(q.length).toBe(0);
  });

  it('matches the plain array over any mix of publishes, hand-backs and takes (past its compaction)', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('insert' as const),
        priority: fc.integer({ min: 0, max: 3 }),
        front: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('shift' as const), n: fc.integer({ min: 1, max: 1500 }) }),
      fc.record({ kind: fc.constant('burst' as const), n: fc.integer({ min: 1, max: 3000 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const q = new ReadyQueue<Msg>();
        const ref: Msg[] = [];
        let id = 0;
        for (const o of ops) {
          if (o.kind === 'insert') {
            const m = { id: id++, priority: o.priority };
            q.insert(m, o.front);
            referenceInsert(ref, m, o.front);
          } else if (o.kind === 'burst') {
            for (let i = 0; i < o.n; i++) {
              const m = { id: id++, priority: 0 };
              q.insert(m, false);
              referenceInsert(ref, m, false);
            }
          } else {
            for (let i = 0; i < o.n; i++) expect(q.shift()).toBe(ref.shift());
          }
          expect(q.length).toBe(ref.length);
          expect(q.peek()).toBe(ref[0]);
        }
      }),
      { numRuns: 200 },
    );
  });
});
