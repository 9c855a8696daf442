import { describe, expect, it } from 'vitest';
import { RetryAfterError } from '../task/task-errors';
import { classify, MAX_RETRY_AFTER_MS, toJobError } from './errors';

describe('toJobError', () => {
  it('keeps an Error’s name, message and stack', () => {
    const e = new TypeError('bad');
    expect(toJobError(e, true)).toMatchObject({ type: 'TypeError', message: 'bad', retryable: true });
    expect(toJobError(e, true).stack).toContain('TypeError: bad');
  });

  it('describes thrown non-Errors without a made-up stack', () => {
    expect(toJobError('plain text', false)).toEqual({
      type: 'Error',
      message: 'plain text',
      retryable: false,
    });
    expect(toJobError(undefined, true)).toEqual({ type: 'Error', message: 'undefined', retryable: true });
    expect(toJobError({ message: 'from a lib', code: 7 }, true).message).toBe('from a lib');
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    expect(toJobError(cyclic, true).message).toBe('{"n":1,"self":"[Circular]"}');
  });

  it('records a thrown plain object by its JSON, not "[object Object]"', () => {
    expect(toJobError({ code: 'E_QUOTA', status: 429 }, true).message).toBe(
      '{"code":"E_QUOTA","status":429}',
    );
    const shared = { id: 1 };
    expect(toJobError({ a: shared, b: shared, n: 10n }, true).message).toBe(
      '{"a":{"id":1},"b":{"id":1},"n":"10n"}',
    );
    expect(toJobError([1, 'x'], true).message).toBe('1,x');
    class Custom {
      toString() {
        return 'custom text';
      }
    }
    expect(toJobError(new Custom(), true).message).toBe('custom text');
  });

  it('never throws, whatever was thrown', () => {
    const nullProto = Object.create(null);
    expect(toJobError(nullProto, true).message).toBe('{}');
    const hostile = {
      [Symbol.toPrimitive]() {
        throw new Error('no');
      },
      toJSON() {
        throw new Error('no');
      },
    };
    expect(toJobError(hostile, true).message).toBe('[object Object]');
    const numericMessage = Object.assign(new Error('x'), { message: 42 });
    expect(toJobError(numericMessage, true)).toMatchObject({ type: 'Error', message: '42' });
    const getters = new Error('x');
    Object.defineProperty(getters, 'message', {
      get() {
        throw new Error('getter');
      },
    });
    Object.defineProperty(getters, 'name', { value: 17 });
    expect(toJobError(getters, true)).toMatchObject({ type: 'Error', message: expect.any(String) });
  });
});

describe('classify', () => {
  it('keeps a RetryAfterError delay finite, whole and within 0..24 h; NaN leaves it to the backoff policy', () => {
    const delay = (ms: number) => classify(new RetryAfterError('later', ms));
    expect(delay(4321)).toEqual({ retryable: true, delayMs: 4321 });
    expect(delay(-5)).toEqual({ retryable: true, delayMs: 0 });
    expect(delay(12.7)).toEqual({ retryable: true, delayMs: 13 });
    expect(delay(Number.POSITIVE_INFINITY)).toEqual({ retryable: true, delayMs: MAX_RETRY_AFTER_MS });
    expect(delay(Number.NaN)).toEqual({ retryable: true });
  });
});
