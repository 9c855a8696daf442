import { describe, expect, it } from 'vitest';
import { writableHeader } from './writable-header';

describe('writableHeader', () => {
  it('marks a double amqplib would guess an int64 it cannot write, at any depth', () => {
    expect(writableHeader(-1e19)).toEqual({ '!': 'double', value: -1e19 });
    expect(writableHeader([1, -2e19])).toEqual([1, { '!': 'double', value: -2e19 }]);
    expect(writableHeader({ a: { b: -1e300 } })).toEqual({ a: { b: { '!': 'double', value: -1e300 } } });
  });

  it('leaves the rest as it is', () => {
    const buf = Buffer.from('x');
    const ts = { '!': 'timestamp', value: 1 };
    for (const v of [1, -(2 ** 63), 1e19, 0.5, 'text', true, null, buf, ts])
      expect(writableHeader(v)).toBe(v);
  });
});
