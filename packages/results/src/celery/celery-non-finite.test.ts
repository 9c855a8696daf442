import { describe, expect, it } from 'vitest';
import { nonFiniteToNull } from './celery-non-finite';

describe('nonFiniteToNull', () => {
  it("makes Python's bare Infinity, -Infinity and NaN null, leaving strings alone", () => {
    const py = '{"result": [Infinity, -Infinity, NaN, 1.5], "s": "NaN \\" Infinity", "k": -2}';
    expect(JSON.parse(nonFiniteToNull(py))).toEqual({
      result: [null, null, null, 1.5],
      s: 'NaN " Infinity',
      k: -2,
    });
  });
  it('returns text without such a token unchanged', () => {
    const t = '{"status": "SUCCESS", "result": "Infinity"}';
    expect(nonFiniteToNull(t)).toBe(t);
  });
});
