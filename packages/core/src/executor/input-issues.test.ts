import { describe, expect, it } from 'vitest';
import { describeInputIssues } from './input-issues';

describe('describeInputIssues', () => {
  it('names each issue by its path, the input itself as (input)', () => {
    expect(
      describeInputIssues([
        { path: ['a', 0], message: 'm1' },
        { path: [], message: 'm2' },
      ]),
    ).toBe('a.0: m1; (input): m2');
  });

  it('names the first 20 of many and counts the rest', () => {
    const issues = Array.from({ length: 250_000 }, (_, i) => ({ path: [i], message: 'bad' }));
    const msg = describeInputIssues(issues);
    expect(msg).toMatch(/^0: bad; 1: bad; .*; 19: bad \(and 249,980 more\)$/);
  });

  it('stays within 4,000 characters, the count kept; a symbol in a path is no throw', () => {
    const long = [
      { path: [Symbol('s')], message: 'x'.repeat(10_000) },
      ...Array(30).fill({ path: [], message: 'y' }),
    ];
    const msg = describeInputIssues(long);
    expect(msg.length).toBeLessThanOrEqual(4000);
    expect(msg).toMatch(/^Symbol\(s\): xxx.*… \(and 11 more\)$/);
  });
});
