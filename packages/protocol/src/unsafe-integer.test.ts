import { describe, expect, it } from 'vitest';
import { firstUnsafeInteger, quoteUnsafeIntegers } from './unsafe-integer';

describe('firstUnsafeInteger', () => {
  it('finds an integer past 2^53 - 1 (either sign), as written', () => {
    expect(firstUnsafeInteger('[[9223372036854775807], {}, {}]')).toBe('9223372036854775807');
    expect(firstUnsafeInteger('[[], {"a": -9007199254740993}]')).toBe('-9007199254740993');
    expect(firstUnsafeInteger('[1,9007199254740992]')).toBe('9007199254740992');
  });

  it('leaves safe integers, floats, exponents and digits inside strings alone', () => {
    expect(firstUnsafeInteger('[9007199254740991, -9007199254740991]')).toBeUndefined();
    expect(firstUnsafeInteger('[1.5e300, 12345678901234567890.5, 1234567890123456789e2]')).toBeUndefined();
    expect(firstUnsafeInteger('["12345678901234567890", "a\\"99999999999999999999"]')).toBeUndefined();
    expect(firstUnsafeInteger('[[1, 2], {"b": 3}]')).toBeUndefined();
  });

  it('quotes unsafe integers and leaves the rest of the text as it was', () => {
    const text =
      '{"id": 9223372036854775807, "n": [-9007199254740993, 9007199254740991, 1.5e300], "s": "9223372036854775807"}';
    expect(JSON.parse(quoteUnsafeIntegers(text))).toEqual({
      id: '9223372036854775807',
      n: ['-9007199254740993', 9007199254740991, 1.5e300],
      s: '9223372036854775807',
    });
    expect(quoteUnsafeIntegers('[1, 2]')).toBe('[1, 2]');
  });
});
