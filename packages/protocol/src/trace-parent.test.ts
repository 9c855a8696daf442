import { describe, expect, it } from 'vitest';
import { normalizeTraceparent } from './trace-parent';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const V00 = `00-${TRACE}-${PARENT}-01`;

describe('normalizeTraceparent (W3C trace context)', () => {
  it('keeps a valid version-00 value as it is', () => {
    expect(normalizeTraceparent(V00)).toBe(V00);
  });

  it('reads a higher version by its first four fields and sends it on as version 00', () => {
    expect(normalizeTraceparent(`01-${TRACE}-${PARENT}-01`)).toBe(V00);
    expect(normalizeTraceparent(`cc-${TRACE}-${PARENT}-09-what-the-future-will-be-like`)).toBe(
      `00-${TRACE}-${PARENT}-09`,
    );
  });

  it('refuses what the spec calls invalid', () => {
    for (const bad of [
      undefined,
      '',
      'garbage',
      `ff-${TRACE}-${PARENT}-01`, // version ff
      `${V00}-extra`, // version 00 has exactly four fields
      `01-${TRACE}-${PARENT}-01extra`, // a longer newer version must continue with a dash
      `00-${'0'.repeat(32)}-${PARENT}-01`, // all-zero trace id
      `00-${TRACE}-${'0'.repeat(16)}-01`, // all-zero parent id
      `00-${TRACE.toUpperCase()}-${PARENT}-01`, // upper-case hex
      `00-${TRACE}-${PARENT}-0g`,
      `00_${TRACE}-${PARENT}-01`,
    ])
      expect(normalizeTraceparent(bad), String(bad)).toBeUndefined();
  });
});
