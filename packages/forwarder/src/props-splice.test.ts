import type { MessageProperties, Options } from 'amqplib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defs as codec } from './amqplib-internals';
import { frameBound, writeHeaderFrame } from './header-frame';
import { FORWARDED_HEADER, type HopContext, prepareHop } from './provenance';
import { RawProperties } from './raw-properties';

const decode = (b: Buffer) => codec.decode(codec.BasicProperties, b) as MessageProperties;

/** Property bytes (flags, then fields) as a source broker would send them. */
const wire = (o: object) => {
  const frame = codec.encodeProperties(codec.BasicProperties, 1, 10, o);
  return frame.subarray(19, frame.length - 1);
};
/** The decoding path's result, as bytes: decode → prepareHop → header-frame encoder. */
function viaDecode(o: Options.Publish) {
  const b = Buffer.alloc(frameBound(o) + 1);
  return b.subarray(19, writeHeaderFrame(b, 0, 1, 10, o) - 1);
}

const ctx: HopContext = { link: 'ab', from: 'A', to: 'B', now: 1_700_000_000_123 };
const envelope = (hops: string[] = []) =>
  Buffer.from(JSON.stringify({ v: 1, id: 'job-1', task: 't', queue: 'q', input: { pad: 'x' }, hops }));

function both(props: object, content: Buffer) {
  const bytes = wire(props);
  const slow = prepareHop(content, decode(bytes), ctx);
  const fast = prepareHop(content, new RawProperties(bytes), { ...ctx, raw: true });
  return { slow, fast };
}

describe('spliced properties', () => {
  it('are byte-identical to the decoding path for generated properties (first hop)', () => {
    const str = fc.option(fc.string({ maxLength: 30 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.record({
          contentType: fc.constantFrom(
            undefined,
            'application/json',
            'application/json; charset=utf-8',
            'text/plain',
          ),
          contentEncoding: str,
          correlationId: str,
          replyTo: str,
          messageId: str,
          type: str,
          appId: str,
          deliveryMode: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
          priority: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
          timestamp: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }),
          headers: fc.option(
            fc.dictionary(
              // `__proto__`: amqplib's decoder cannot keep such a key (the decoding path drops it;
              // the splice keeps it, see below).
              fc.string({ maxLength: 20 }).filter((k) => k !== FORWARDED_HEADER && k !== '__proto__'),
              fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 })),
              { maxKeys: 4 },
            ),
            { nil: undefined },
          ),
        }),
        fc.boolean(),
        (props, json) => {
          const content = json ? envelope() : Buffer.from('not an envelope');
          const { slow, fast } = both(props, content);
          if (!slow.ok || !fast.ok) throw new Error('refused');
          expect(fast.rawProps).toBeDefined();
          expect(fast.options).toBeUndefined();
          expect(fast.rawProps!.equals(viaDecode(slow.options!))).toBe(true);
          expect(fast.content.equals(slow.content)).toBe(true);
          expect(fast.jobId).toBe(slow.jobId);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keep a header the decoding path loses (`__proto__`, which amqplib decodes into a prototype)', () => {
    // Encoded with a same-length placeholder key, then renamed in the bytes.
    const proto = wire({ headers: { ['_'.repeat(9)]: 'v' } });
    const raw = Buffer.from(proto.toString('latin1').replace('_________', '__proto__'), 'latin1');
    const slow = prepareHop(envelope(), decode(raw), ctx);
    const fast = prepareHop(envelope(), new RawProperties(raw), { ...ctx, raw: true });
    if (!slow.ok || !fast.ok) throw new Error('refused');
    expect(Object.keys(slow.options!.headers!)).toEqual([FORWARDED_HEADER]);
    expect(fast.rawProps!.includes(Buffer.from('\x09__proto__', 'latin1'))).toBe(true);
  });

  it('keep header values of any type as the source encoded them', () => {
    const headers = { n: 7, big: 2 ** 40, f: 1.5, yes: true, s: 'x', nested: { a: 1 } };
    const { fast } = both({ headers, deliveryMode: 2 }, envelope());
    if (!fast.ok) throw new Error(fast.reason);
    const decoded = decode(fast.rawProps!);
    expect(decoded.headers).toEqual({
      ...decode(wire({ headers })).headers,
      [FORWARDED_HEADER]: [`link=ab;from=A;to=B;at=${ctx.now}`],
    });
    expect(decoded.deliveryMode).toBe(2);
  });

  it('leave TTLs, user ids, later hops and forwarded entries to the decoding path', () => {
    const cases: [object, Buffer][] = [
      [{ expiration: '60000' }, envelope()],
      [{ userId: 'guest' }, envelope()],
      [{ headers: { [FORWARDED_HEADER]: ['link=x;from=C;to=A;at=1'] } }, envelope()],
      [{}, envelope(['C'])],
    ];
    for (const [props, content] of cases) {
      const { slow, fast } = both(props, content);
      expect(fast).toEqual(slow);
      if (fast.ok) expect(fast.rawProps).toBeUndefined();
    }
    // A loop is still cut on the fast side.
    const { fast } = both({}, envelope(['B']));
    expect(fast).toMatchObject({ ok: false, reason: expect.stringMatching(/^loop/) });
  });
});
