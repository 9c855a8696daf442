import type { Options } from 'amqplib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defs as codec } from './amqplib-internals';
import { frameBound, writeHeaderFrame } from './header-frame';

function ours(o: Options.Publish, size: number): Buffer {
  const bound = frameBound(o);
  expect(bound).toBeGreaterThan(0);
  const b = Buffer.alloc(bound + 10, 0xaa);
  const end = writeHeaderFrame(b, 3, 7, size, o);
  expect(end - 3).toBeLessThanOrEqual(bound);
  return b.subarray(3, end);
}
const amqplibs = (o: Options.Publish, size: number) =>
  codec.encodeProperties(codec.BasicProperties, 7, size, o);

describe('writeHeaderFrame', () => {
  it('is byte-identical to amqplib for what the forwarder sends', () => {
    const o: Options.Publish = {
      contentType: 'application/json',
      headers: { keep: 'me', 'x-warren-forwarded': ['link=l;from=a;to=b;at=1', 'ü→✓'], skip: undefined },
      deliveryMode: 2,
      priority: 9,
      correlationId: 'c',
      replyTo: 'r',
      expiration: '60000',
      messageId: 'job-1',
      timestamp: 1_700_000_000,
      type: 'task.x',
      appId: 'app',
    };
    expect(ours(o, 1024).equals(amqplibs(o, 1024))).toBe(true);
    expect(ours({}, 0).equals(amqplibs({}, 0))).toBe(true);
    expect(ours({ headers: {} }, 2 ** 40 + 5).equals(amqplibs({ headers: {} }, 2 ** 40 + 5))).toBe(true);
    // No strings to give the bound slack: the octet properties must be counted themselves.
    const octets: Options.Publish = { deliveryMode: 0, priority: 1, headers: {} };
    expect(ours(octets, 0).equals(amqplibs(octets, 0))).toBe(true);
  });

  it('matches amqplib on generated properties', () => {
    const str = fc.option(fc.string({ maxLength: 40 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.record({
          contentType: str,
          messageId: str,
          type: str,
          expiration: str,
          deliveryMode: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
          priority: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
          timestamp: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }),
          headers: fc.dictionary(fc.string({ maxLength: 20 }), fc.oneof(fc.string(), fc.array(fc.string()))),
        }),
        fc.nat(),
        (o, size) => ours(o, size).equals(amqplibs(o, size)),
      ),
      { numRuns: 2000 },
    );
  });

  it('leaves other header shapes to amqplib', () => {
    expect(frameBound({ headers: { n: 1 } })).toBe(-1);
    expect(frameBound({ headers: { t: { nested: 'x' } } })).toBe(-1);
    expect(frameBound({ headers: { a: ['s', 2] } })).toBe(-1);
    expect(frameBound({ messageId: 'x'.repeat(256) })).toBe(-1);
    expect(frameBound({ timestamp: 1.5 } as Options.Publish)).toBe(-1);
  });
});
