import { describe, expect, it } from 'vitest';
import { randomUUID } from './random-uuid';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('randomUUID', () => {
  it('makes v4 UUIDs from getRandomValues where randomUUID is missing (a browser page that is not a secure context)', () => {
    const source = { getRandomValues: (a: Uint8Array) => crypto.getRandomValues(a) };
    const ids = Array.from({ length: 200 }, () => randomUUID(source));
    for (const id of ids) expect(id).toMatch(V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sets only the version and variant bits', () => {
    const zeros = { getRandomValues: (a: Uint8Array) => a };
    expect(randomUUID(zeros)).toBe('00000000-0000-4000-8000-000000000000');
    const ones = { getRandomValues: (a: Uint8Array) => a.fill(0xff) };
    expect(randomUUID(ones)).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });

  it("uses the platform's randomUUID where there is one", () => {
    expect(randomUUID()).toMatch(V4);
  });
});
