import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTask } from './define-task';

const base = { name: 't', input: z.unknown() };

describe('defineTask', () => {
  it('takes a timeout a timer can hold and a whole positive result TTL', () => {
    expect(defineTask({ ...base, timeoutMs: 2_147_483_647 }).timeoutMs).toBe(2_147_483_647);
    expect(defineTask({ ...base, resultTtlS: 60 }).resultTtlS).toBe(60);
  });

  it('refuses a timeout setTimeout would turn into 1 ms (Infinity, NaN, past 24.8 days) or none at all', () => {
    for (const timeoutMs of [Number.POSITIVE_INFINITY, Number.NaN, 2 ** 31, 0, -1, 1.5]) {
      expect(() => defineTask({ ...base, timeoutMs })).toThrow(/timeoutMs must be an integer/);
    }
  });

  it('refuses a result TTL that is not a whole positive number of seconds', () => {
    for (const resultTtlS of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => defineTask({ ...base, resultTtlS })).toThrow(/resultTtlS must be an integer/);
    }
  });
});
