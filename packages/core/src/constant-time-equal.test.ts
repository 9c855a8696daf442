import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from './constant-time-equal';

describe('constantTimeEqual', () => {
  it('is true exactly when the strings are equal', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (secret, given) => {
        expect(constantTimeEqual(secret, given)).toBe(secret === given);
        expect(constantTimeEqual(secret, secret)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('is false for prefixes, extensions, repeats and case changes of the secret', () => {
    const key = 'wk_live_7f3a9c';
    for (const given of ['', 'wk_live_7f3a9', `${key}x`, key + key, key.toUpperCase(), 'wk_live_7f3a9C']) {
      expect(constantTimeEqual(key, given)).toBe(false);
    }
  });

  it('never matches an empty secret', () => {
    expect(constantTimeEqual('', '')).toBe(false);
    expect(constantTimeEqual('', 'x')).toBe(false);
  });

  it('compares UTF-16 code units, so non-ASCII keys work', () => {
    expect(constantTimeEqual('clé-🐇', 'clé-🐇')).toBe(true);
    expect(constantTimeEqual('clé-🐇', 'cle-🐇')).toBe(false);
  });
});
