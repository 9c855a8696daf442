import type { Message } from 'amqplib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChannelAcks } from './channel-acks';

/**
 * RabbitMQ's unacked list as rabbit_channel handles it (collect_acks): a plain ack or nack needs
 * its tag unacked; a `multiple` ack settles everything up to its tag and fails (closing the
 * channel) when that tag is not unacked.
 */
function broker() {
  const unacked: number[] = [];
  const acked = new Set<number>();
  const nacked = new Set<number>();
  let frames = 0;
  const take = (tag: number) => {
    const i = unacked.indexOf(tag);
    if (i < 0) throw new Error(`PRECONDITION_FAILED - unknown delivery tag ${tag}`);
    return i;
  };
  return {
    unacked,
    acked,
    nacked,
    frames: () => frames,
    deliver: (tag: number) => unacked.push(tag),
    ch: {
      ack(m: Message, multiple = false) {
        frames++;
        const i = take(m.fields.deliveryTag);
        for (const t of unacked.splice(multiple ? 0 : i, multiple ? i + 1 : 1)) acked.add(t);
      },
      nack(m: Message, _multiple = false, _requeue = true) {
        frames++;
        nacked.add(unacked.splice(take(m.fields.deliveryTag), 1)[0]!);
      },
    },
  };
}

describe('ChannelAcks', () => {
  it('never sends a tag the broker does not hold, settles each delivery exactly as asked', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 120 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
              fc.array(fc.boolean(), { minLength: n, maxLength: n }),
              fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
            ),
          ),
        ([n, order, isAck, flushAfter]) => {
          const b = broker();
          const acks = new ChannelAcks(b.ch as never);
          // All delivered first (prefetch n), then settled in a random order with turn boundaries.
          for (let t = 1; t <= n; t++) {
            b.deliver(t);
            acks.delivered(t);
          }
          order.forEach((k, i) => {
            const tag = k + 1;
            if (isAck[k]) acks.ack(tag);
            else acks.nack(tag, true);
            if (flushAfter[i] === 0) acks.flush();
          });
          acks.flush();
          expect(b.unacked).toEqual([]);
          for (let t = 1; t <= n; t++) {
            expect(b.acked.has(t)).toBe(isAck[t - 1]!);
            expect(b.nacked.has(t)).toBe(!isAck[t - 1]!);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('acks a turn of in-order completions as one frame, and flushes by itself after the turn', async () => {
    const b = broker();
    const acks = new ChannelAcks(b.ch as never);
    for (let t = 1; t <= 100; t++) {
      b.deliver(t);
      acks.delivered(t);
    }
    for (let t = 1; t <= 60; t++) acks.ack(t);
    expect(b.frames()).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(b.frames()).toBe(1);
    expect(b.unacked[0]).toBe(61);
    // Out of order: 62 and 63 cannot ride on a multiple ack while 61 is unsettled; sent alone.
    acks.ack(62);
    acks.ack(63);
    acks.flush();
    expect(b.frames()).toBe(3);
    acks.ack(61);
    acks.flush();
    expect(b.unacked[0]).toBe(64);
  });

  it('a closed channel swallows the acks (the broker redelivers), a nack throws as amqplib does', () => {
    const closed = {
      ack() {
        throw new Error('Channel closed');
      },
      nack() {
        throw new Error('Channel closed');
      },
    };
    const acks = new ChannelAcks(closed as never);
    acks.delivered(1);
    acks.delivered(2);
    acks.ack(1);
    expect(() => acks.flush()).not.toThrow();
    expect(() => acks.nack(2, true)).toThrow(/closed/);
  });
});
