import { describe, expect, it } from 'vitest';
import { createPicker, type NodeState } from './node-picker';

const nodes = (weights: number[]): NodeState[] =>
  weights.map((weight, i) => ({ url: `amqp://n${i}`, weight }));
const counts = (picks: number[], n: number) => {
  const c = Array(n).fill(0) as number[];
  for (const p of picks) c[p]!++;
  return c;
};

describe('node picking strategies', () => {
  it('round-robin cycles through every node and skips excluded ones', () => {
    const p = createPicker('round-robin');
    const ns = nodes([1, 1, 1]);
    expect(Array.from({ length: 6 }, () => p.pick(ns))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(p.pick(ns, new Set([0]))).toBe(1);
    expect(p.pick(ns, new Set([0, 1, 2]))).toBeGreaterThanOrEqual(0); // nothing left: still picks
  });

  it('weighted-round-robin follows the weights (1:2:5 over 8000 picks, within 1 %)', () => {
    const p = createPicker('weighted-round-robin');
    const ns = nodes([1, 2, 5]);
    const c = counts(
      Array.from({ length: 8000 }, () => p.pick(ns)),
      3,
    );
    expect(c[0]! / 8000).toBeCloseTo(1 / 8, 2);
    expect(c[1]! / 8000).toBeCloseTo(2 / 8, 2);
    expect(c[2]! / 8000).toBeCloseTo(5 / 8, 2);
    // smooth: the heavy node never gets more than 3 in a row with 1:2:5
    const seq = Array.from({ length: 80 }, () => p.pick(ns)).join('');
    expect(seq).not.toMatch(/2222/);
  });

  it('random spreads uniformly (within 5 % over 9000 picks)', () => {
    const p = createPicker('random');
    const c = counts(
      Array.from({ length: 9000 }, () => p.pick(nodes([1, 1, 1]))),
      3,
    );
    for (const x of c) expect(Math.abs(x / 9000 - 1 / 3)).toBeLessThan(0.05);
  });

  it('health-based prefers healthy nodes, fastest first, and falls back when none is healthy', () => {
    const p = createPicker('health-based');
    const ns = nodes([1, 1, 1]);
    ns[0]!.healthy = false;
    ns[1]!.healthy = true;
    ns[1]!.latencyMs = 40;
    ns[2]!.healthy = true;
    ns[2]!.latencyMs = 5;
    expect(Array.from({ length: 5 }, () => p.pick(ns))).toEqual([2, 2, 2, 2, 2]);
    expect(p.pick(ns, new Set([2]))).toBe(1);
    ns[1]!.healthy = false;
    ns[2]!.healthy = false;
    const c = counts(
      Array.from({ length: 30 }, () => p.pick(ns)),
      3,
    );
    expect(c.every((x) => x > 0)).toBe(true);
  });

  it('health-based rotates between equally fast healthy nodes', () => {
    const p = createPicker('health-based');
    const ns = nodes([1, 1, 1]).map((n) => ({ ...n, healthy: true, latencyMs: 10 }));
    ns[0]!.healthy = false;
    expect(new Set(Array.from({ length: 4 }, () => p.pick(ns)))).toEqual(new Set([1, 2]));
  });
});
