import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RawProperties } from './raw-properties';
import { keepRawProperties } from './raw-receive';

const req = createRequire(createRequire(import.meta.url).resolve('amqplib'));
const defs = req('./lib/defs.js') as {
  encodeMethod(id: number, channel: number, fields: object): Buffer;
  encodeProperties(id: number, channel: number, size: number, fields: object): Buffer;
  BasicDeliver: number;
  BasicProperties: number;
};
const frame = req('./lib/frame.js') as {
  makeBodyFrame(ch: number, b: Buffer): Buffer;
  HEARTBEAT_BUF: Buffer;
};
const { Connection } = req('./lib/connection.js') as {
  Connection: { prototype: { recvFrame(this: object): unknown } };
};

/** A stand-in for amqplib's Connection: the fields recvFrame uses, fed chunk by chunk. */
function fakeConnection() {
  const queue: Buffer[] = [];
  const conn = {
    rest: Buffer.alloc(0),
    maxFrameSize: 131_072,
    recvSinceLastCheck: false,
    stream: { read: () => queue.shift() ?? null },
    recvFrame(this: object): unknown {
      return Connection.prototype.recvFrame.call(this);
    },
  };
  /** Delivers one socket read and returns every frame that became complete. */
  const feed = (chunk: Buffer) => {
    queue.push(chunk);
    const out: unknown[] = [];
    for (let f = conn.recvFrame(); f; f = conn.recvFrame()) out.push(f);
    return out;
  };
  return { conn, feed };
}

/** Frames as they come from a broker: deliveries (method, header, body) on channels 1 and 2, heartbeats. */
const stream = fc.array(
  fc.oneof(
    fc.record({
      ch: fc.constantFrom(1, 2),
      body: fc.integer({ min: 0, max: 3000 }).map((n) => new Uint8Array(n).map((_, i) => i & 0xff)),
      messageId: fc.string({ maxLength: 20 }),
      headers: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer())),
    }),
    fc.constant('heartbeat' as const),
  ),
  { minLength: 1, maxLength: 12 },
);

type Item = typeof stream extends fc.Arbitrary<(infer T)[]> ? T : never;

function encode(items: Item[]): Buffer {
  const parts: Buffer[] = [];
  items.forEach((it, i) => {
    if (it === 'heartbeat') {
      parts.push(frame.HEARTBEAT_BUF);
      return;
    }
    const deliver = {
      consumerTag: 'c',
      deliveryTag: i + 1,
      redelivered: false,
      exchange: '',
      routingKey: 'q',
    };
    parts.push(defs.encodeMethod(defs.BasicDeliver, it.ch, deliver));
    const body = Buffer.from(it.body);
    const props = { messageId: it.messageId, headers: it.headers, deliveryMode: 2 };
    parts.push(defs.encodeProperties(defs.BasicProperties, it.ch, body.length, props));
    // Bodies over 1000 bytes go in several frames, as with a small frame_max.
    for (let off = 0; off < body.length; off += 1000)
      parts.push(frame.makeBodyFrame(it.ch, body.subarray(off, off + 1000)));
  });
  return Buffer.concat(parts);
}

describe('keepRawProperties', () => {
  it('reads the same frames as amqplib from any split into socket reads; channel 1 headers stay raw', () => {
    fc.assert(
      fc.property(
        stream,
        fc.array(fc.integer({ min: 1, max: 4000 }), { minLength: 1, maxLength: 40 }),
        (items, cuts) => {
          const bytes = encode(items);
          const plain = fakeConnection();
          const raw = fakeConnection();
          expect(keepRawProperties({ connection: raw.conn } as never, { ch: 1 })).toBe(true);
          const a: unknown[] = [];
          const b: unknown[] = [];
          let at = 0;
          for (let i = 0; at < bytes.length; i++) {
            const next = Math.min(bytes.length, at + cuts[i % cuts.length]!);
            a.push(...plain.feed(bytes.subarray(at, next)));
            b.push(...raw.feed(bytes.subarray(at, next)));
            at = next;
          }
          expect(b.length).toBe(a.length);
          b.forEach((f, i) => {
            const fields = (f as { fields?: unknown }).fields;
            if (fields instanceof RawProperties) {
              expect((f as { channel: number }).channel).toBe(1);
              expect({ ...(f as object), fields: fields.decoded }).toEqual(a[i]);
            } else expect(f).toEqual(a[i]);
          });
          expect(b.some((f) => (f as { fields?: unknown }).fields instanceof RawProperties)).toBe(
            items.some((it) => it !== 'heartbeat' && it.ch === 1),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('changes nothing on an amqplib without the expected internals', () => {
    expect(keepRawProperties({ connection: {} } as never, { ch: 1 })).toBe(false);
    expect(keepRawProperties({ connection: fakeConnection().conn } as never, {})).toBe(false);
  });
});
