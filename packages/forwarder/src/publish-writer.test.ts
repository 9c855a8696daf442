import type { ConfirmChannel } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { publishWriter } from './publish-writer';

/** A stand-in for amqplib's channel internals the writer uses: records socket writes and callbacks. */
function fakeChannel(frameMax: number) {
  const writes: Buffer[] = [];
  const confirms: ((err: unknown) => void)[] = [];
  const ch = {
    ch: 3,
    connection: { frameMax, stream: { writable: true, write: (b: Buffer) => writes.push(b) > 0 } },
    pushConfirmCallback: (cb: (err: unknown) => void) => confirms.push(cb),
  };
  return { ch: ch as unknown as ConfirmChannel, writes, confirms };
}

/** Splits a byte stream into AMQP frames: [type, channel, payload]. */
function frames(b: Buffer): [number, number, Buffer][] {
  const out: [number, number, Buffer][] = [];
  for (let i = 0; i < b.length; ) {
    const size = b.readUInt32BE(i + 3);
    expect(b[i + 7 + size]).toBe(0xce);
    out.push([b[i]!, b.readUInt16BE(i + 1), b.subarray(i + 7, i + 7 + size)]);
    i += 8 + size;
  }
  return out;
}

describe('publishWriter', () => {
  it('writes a burst as one buffer of whole frames, splits bodies at frameMax, registers confirms in order', async () => {
    const f = fakeChannel(4096);
    const w = publishWriter(f.ch, '')!;
    const big = Buffer.alloc(10_000, 7);
    const order: number[] = [];
    w.publish('q', Buffer.from('{"v":1}'), { headers: { a: 1 }, messageId: 'm1' }, () => order.push(1));
    w.publish('q', big, { deliveryMode: 2 }, () => order.push(2));
    w.publish('other', Buffer.alloc(0), {}, () => order.push(3));
    expect(f.writes).toHaveLength(0);
    await new Promise((r) => process.nextTick(r));
    expect(f.writes).toHaveLength(1);
    const fr = frames(f.writes[0]!);
    // method, header, body | method, header, 3 bodies (10,000 B at 4,088 per frame) | method, header
    expect(fr.map(([t]) => t)).toEqual([1, 2, 3, 1, 2, 3, 3, 3, 1, 2]);
    expect(fr.every(([, c]) => c === 3)).toBe(true);
    expect(fr[2]![2].toString()).toBe('{"v":1}');
    expect(Buffer.concat([fr[5]![2], fr[6]![2], fr[7]![2]]).equals(big)).toBe(true);
    expect(fr[5]![2].length).toBe(4088);
    // Content header: class 60, weight 0, 64-bit body size.
    expect(fr[4]![2].readUInt16BE(0)).toBe(60);
    expect(Number(fr[4]![2].readBigUInt64BE(4))).toBe(10_000);
    expect(fr[8]![2].includes(Buffer.from('other'))).toBe(true);
    for (const [i, cb] of f.confirms.entries()) {
      expect(i).toBe(order.length);
      cb(null);
    }
    expect(order).toEqual([1, 2, 3]);
  });

  it('drops a burst when the socket is already closed (the link restarts on the close event)', async () => {
    const f = fakeChannel(131072);
    (f.ch as unknown as { connection: { stream: { writable: boolean } } }).connection.stream.writable = false;
    publishWriter(f.ch, 'ex')!.publish('k', Buffer.from('x'), {}, () => {});
    await new Promise((r) => process.nextTick(r));
    expect(f.writes).toHaveLength(0);
  });

  it('declines when the channel does not look like amqplib’s (the sink then uses ch.publish)', () => {
    expect(publishWriter({} as ConfirmChannel, '')).toBeUndefined();
  });
});
