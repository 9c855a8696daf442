import { describe, expect, it } from 'vitest';
import { applyTransition, type StoredRecord } from './apply-transition';

const run = (current: StoredRecord | undefined, owner: string | undefined, nowMs: number) =>
  applyTransition(current, 'j1', 'running', { owner, leaseMs: 1000 }, nowMs).next!;

describe('applyTransition: an empty owner is no owner (as the Redis script stores it)', () => {
  it('a run with owner "" renews a run with none: startedAt kept, no owner stored', () => {
    const first = run(undefined, undefined, 1_000);
    const again = run(first, '', 2_000);
    expect(again.startedAt).toBe(first.startedAt);
    expect('owner' in again).toBe(false);
    expect(again.leaseUntil).toBe(3_000);
  });

  it('a run with no owner renews one with owner "", and a named owner starts a new run', () => {
    const first = run(undefined, '', 1_000);
    expect('owner' in first).toBe(false);
    expect(run(first, undefined, 2_000).startedAt).toBe(first.startedAt);
    const other = run(first, 'w1', 2_000);
    expect(other.startedAt).not.toBe(first.startedAt);
    expect(other.owner).toBe('w1');
  });
});
