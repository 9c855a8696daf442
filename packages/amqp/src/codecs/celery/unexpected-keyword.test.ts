import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { unexpectedKeyword } from './input-mapping';

describe('unexpectedKeyword', () => {
  const shape = { name: z.string().default('world') };
  it('names a keyword a stripping object schema would drop, through wrappers', () => {
    expect(unexpectedKeyword('t', z.object(shape), { nmae: 'x' })).toBe(
      "t got an unexpected keyword argument 'nmae'",
    );
    expect(unexpectedKeyword('t', z.object(shape).optional(), { nmae: 'x' })).toMatch(/'nmae'/);
    expect(
      unexpectedKeyword(
        't',
        z.object(shape).transform((v) => v),
        { nmae: 'x' },
      ),
    ).toMatch(/'nmae'/);
  });
  it('leaves known keywords, loose, passthrough, catchall and strict schemas, and non-objects alone', () => {
    expect(unexpectedKeyword('t', z.object(shape), { name: 'x' })).toBeUndefined();
    expect(unexpectedKeyword('t', z.looseObject(shape), { nmae: 'x' })).toBeUndefined();
    expect(unexpectedKeyword('t', z.object(shape).passthrough(), { nmae: 'x' })).toBeUndefined();
    expect(unexpectedKeyword('t', z.object(shape).catchall(z.string()), { nmae: 'x' })).toBeUndefined();
    // A strict object refuses the key itself, with zod's own message.
    expect(unexpectedKeyword('t', z.strictObject(shape), { nmae: 'x' })).toBeUndefined();
    expect(unexpectedKeyword('t', z.any(), { nmae: 'x' })).toBeUndefined();
  });
});
