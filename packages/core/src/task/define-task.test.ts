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

  it('refuses more attempts than a job envelope may carry (1000): every job of the task was dead on arrival', () => {
    expect(defineTask({ ...base, retry: { maxAttempts: 1000 } }).retry.maxAttempts).toBe(1000);
    expect(() => defineTask({ ...base, retry: { maxAttempts: 1001 } })).toThrow(
      /task t: retry\.maxAttempts must be an integer from 1 to 1000/,
    );
  });

  it('refuses a result TTL that is not a whole positive number of seconds', () => {
    for (const resultTtlS of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => defineTask({ ...base, resultTtlS })).toThrow(/resultTtlS must be an integer/);
    }
  });

  it('refuses a backoff whose baseMs is over its maxMs, naming the field (a fixed delay ignored maxMs)', () => {
    const retry = (backoff: object) => defineTask({ ...base, retry: { backoff } });
    expect(() => retry({ kind: 'fixed', baseMs: 10_000, maxMs: 1000 })).toThrow(
      /task t: retry\.backoff\.baseMs \(10000\) exceeds retry\.backoff\.maxMs \(1000\)/,
    );
    // maxMs left at its default (300 s) still bounds a fixed delay.
    expect(() => retry({ kind: 'fixed', baseMs: 600_000 })).toThrow(/retry\.backoff\.baseMs/);
    expect(() => retry({ kind: 'exponential', baseMs: 2000, maxMs: 1000 })).toThrow(/retry\.backoff\.baseMs/);
    expect(retry({ kind: 'fixed', baseMs: 1000, maxMs: 1000 }).retry.backoff.baseMs).toBe(1000);
  });

  // Task modules load through tsx, which strips types: a misspelt option reached defineTask as is.
  it('refuses an option it does not know, naming it (it was dropped: the default applied)', () => {
    const define = (opts: object) => () => defineTask({ ...base, ...opts } as never);
    expect(define({ retries: 5 })).toThrow('task t: unknown option retries');
    expect(define({ timeout: 1000 })).toThrow('task t: unknown option timeout');
    expect(define({ retry: { attempts: 5 } })).toThrow('task t: unknown option retry.attempts');
    expect(define({ retry: { backoff: { base: 10 } } })).toThrow('task t: retry.backoff.base: unknown field');
  });

  it("names a bad backoff field instead of dumping zod's issues as JSON", () => {
    const bad = () => defineTask({ ...base, retry: { backoff: { kind: 'expo' as 'fixed', baseMs: -1 } } });
    expect(bad).toThrow(/^task t: retry\.backoff\.kind: Invalid option.*; retry\.backoff\.baseMs: /);
  });

  it('refuses an input that is not a zod schema, and a handler that is not a function', () => {
    const define = (opts: object) => () => defineTask({ name: 't', ...opts } as never);
    expect(define({})).toThrow('task t: input must be a zod schema');
    expect(define({ input: { a: 1 } })).toThrow('task t: input must be a zod schema');
    expect(define({ input: z.unknown(), output: 'x' })).toThrow('task t: output must be a zod schema');
    expect(define({ input: z.unknown(), handler: 'run' })).toThrow('task t: handler must be a function');
  });
});
