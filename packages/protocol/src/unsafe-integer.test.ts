import { describe, expect, it } from 'vitest';
import { firstInexactNumber, firstUnsafeInteger, quoteUnsafeIntegers } from './unsafe-integer';

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

describe('firstInexactNumber', () => {
  it('finds an integer JSON.parse rounds, or a number past the largest double', () => {
    expect(firstInexactNumber('{"id": 1234567890123456789}')).toEqual({
      literal: '1234567890123456789',
      parsed: 1234567890123456800,
    });
    expect(firstInexactNumber('[1, "1e400 in a string", 1E+400]')).toEqual({
      literal: '1E+400',
      parsed: Infinity,
    });
    expect(firstInexactNumber('[-1e999]')?.parsed).toBe(-Infinity);
  });

  it('leaves exact integers past 2^53, decimals, exponents in range and strings alone', () => {
    expect(
      firstInexactNumber('{"a":18014398509481984,"b":-9007199254740991,"c":0.1,"e":1e300}'),
    ).toBeUndefined();
    expect(firstInexactNumber('{"d":"12345678901234567890","x":"1e400"}')).toBeUndefined();
    expect(firstInexactNumber('{"task":"a","input":{"a":1,"b":2}}')).toBeUndefined();
  });
});
