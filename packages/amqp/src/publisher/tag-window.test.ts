import { describe, expect, it } from 'vitest';
import { TagWindow } from './tag-window';

describe('TagWindow (unconfirmed publishes by delivery tag)', () => {
  it('numbers items 1, 2, 3 and settles single and multiple confirms in any mix', () => {
    const w = new TagWindow<string>();
    for (const s of ['a', 'b', 'c', 'd', 'e']) w.push(s);
    expect(w.take(3)).toBe('c');
    expect(w.take(3)).toBeUndefined();
    const got: string[] = [];
    w.takeUpTo(4, (s) => got.push(s));
    expect(got).toEqual(['a', 'b', 'd']);
    expect(w.size).toBe(1);
    expect(w.push('f')).toBe(6);
    expect([...w.values()]).toEqual(['e', 'f']);
    expect(w.take(5)).toBe('e');
    w.clear();
    expect(w.size).toBe(0);
    expect(w.push('g')).toBe(7);
  });

  it('stays consistent over many windows (compaction)', () => {
    const w = new TagWindow<number>();
    let next = 1;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 100; i++) expect(w.push(next)).toBe(next++);
      // confirm out of order: odd tags singly, then everything up to the newest
      for (let t = next - 100; t < next; t += 2) expect(w.take(t)).toBe(t);
      const rest: number[] = [];
      w.takeUpTo(next - 1, (n) => rest.push(n));
      expect(rest.length).toBe(50);
      expect(w.size).toBe(0);
    }
  });
});
