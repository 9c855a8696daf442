import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

describe('canonicalJson', () => {
  it('equal for JSON values that differ only in object key order, at any depth', () => {
    expect(same({ a: 1, b: [1, { c: null, d: 'x' }] }, { b: [1, { d: 'x', c: null }], a: 1 })).toBe(true);
    expect(same({ 2: 'x', 10: 'y', z: 1 }, { z: 1, 10: 'y', 2: 'x' })).toBe(true);
  });

  it('different for different values', () => {
    expect(same([1, 2], [2, 1])).toBe(false);
    expect(same({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(same([], {})).toBe(false);
    expect(same(null, {})).toBe(false);
    expect(same('1', 1)).toBe(false);
    expect(same({ a: { b: 1 } }, { a: { b: '1' } })).toBe(false);
    expect(same(undefined, null)).toBe(false);
  });

  it('as stored: undefined members dropped, toJSON applied', () => {
    expect(same({ a: undefined, b: 1 }, { b: 1 })).toBe(true);
    const d = new Date(0);
    expect(same({ at: d }, { at: d.toISOString() })).toBe(true);
  });

  // JSON.parse makes "__proto__" an own member; copied by assignment it set the copy's prototype
  // and vanished, so a reused idempotency key with such a member added replayed (200), not 422.
  it('keeps a "__proto__" member', () => {
    const parsed = JSON.parse('{"a":1,"__proto__":{"amount":1000000}}');
    expect(same(parsed, { a: 1 })).toBe(false);
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"amount":1000000},"a":1}');
  });
});
