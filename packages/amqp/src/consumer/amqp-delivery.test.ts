import { TransportError } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import type { ConsumeMessage, Message } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { warrenCodec } from '../codecs/warren-codec';
import type { JobPublisher } from '../publisher/job-publisher';
import { AmqpDelivery, type DeliveryHost } from './amqp-delivery';
import { ChannelAcks } from './channel-acks';

const job = makeJob({ id: '01920000-0000-7000-8000-000000000001', task: 't', queue: 'q' });

/** One delivery (tag 7) on a channel that records what reached the broker. */
function setup(send: () => Promise<void>, redeclare: () => Promise<void> = async () => {}) {
  const sent: string[] = [];
  let settled = 0;
  const ch = {
    ack: (m: Message, multiple = false) =>
      sent.push(`ack ${m.fields.deliveryTag}${multiple ? ' multiple' : ''}`),
    nack: (m: Message, _multiple = false, requeue = true) =>
      sent.push(`nack ${m.fields.deliveryTag} requeue=${requeue}`),
  };
  const acks = new ChannelAcks(ch);
  acks.delivered(7);
  const host: DeliveryHost = {
    queue: 'q',
    publisher: { send } as unknown as JobPublisher,
    codec: warrenCodec,
    onEvent: () => {},
    settled: () => settled++,
    redeclare: async () => {
      sent.push('redeclare q');
      await redeclare();
    },
    requeuePauseMs: 20,
  };
  const msg = {
    fields: { deliveryTag: 7, redelivered: false },
    properties: { headers: {} },
    content: Buffer.from('{}'),
  };
  const delivery = new AmqpDelivery(host, acks, msg as unknown as ConsumeMessage, job, 1);
  return { delivery, acks, sent, settled: () => settled };
}

describe('AmqpDelivery', () => {
  it('a retry whose republish is not confirmed stays unsettled, so the caller can still release it', async () => {
    const s = setup(() => Promise.reject(new Error('not confirmed')));
    await expect(s.delivery.retry(1000)).rejects.toThrow(/not confirmed/);
    expect(s.delivery.isSettled()).toBe(false);
    expect(s.settled()).toBe(0);
    // What the worker and the subscription do with an unsettled delivery after an error: before,
    // this was refused ("already settled") and the message sat unacked, holding a prefetch slot.
    await s.delivery.release();
    s.acks.flush();
    expect(s.sent).toEqual(['nack 7 requeue=true']);
    expect(s.settled()).toBe(1);
  });

  it('a dead letter whose DLQ copy is not confirmed is rejected without requeue (the queue DLX takes it)', async () => {
    const s = setup(() => Promise.reject(new Error('not confirmed')));
    await expect(s.delivery.deadLetter('boom')).rejects.toThrow(/not confirmed/);
    s.acks.flush();
    expect(s.sent).toEqual(['nack 7 requeue=false']);
    expect(s.settled()).toBe(1);
  });

  it('a confirmed retry acks the original', async () => {
    const s = setup(() => Promise.resolve());
    await s.delivery.retry(1000);
    s.acks.flush();
    expect(s.sent).toEqual(['ack 7']);
    expect(s.settled()).toBe(1);
  });

  it('a retry republishes attempt + 1; a deferral (lease held elsewhere) keeps the attempt', async () => {
    const attempts: number[] = [];
    const send = async (_q: string, content: Buffer) =>
      void attempts.push(JSON.parse(String(content)).attempt);
    const a = setup(send as unknown as () => Promise<void>);
    await a.delivery.retry(1000);
    const b = setup(send as unknown as () => Promise<void>);
    await b.delivery.defer(1000);
    b.acks.flush();
    expect(attempts).toEqual([2, 1]);
    expect(b.sent).toEqual(['ack 7']);
  });

  const unroutable = () =>
    Promise.reject(new TransportError('unroutable: no queue q.dlq (basic.return)', false));

  it('a dead letter whose DLQ is missing declares the queue topology (with its DLQ) and sends again', async () => {
    let calls = 0;
    const s = setup(() => (++calls === 1 ? unroutable() : Promise.resolve()));
    await s.delivery.deadLetter('boom');
    s.acks.flush();
    // Before: rejected without requeue, and the queue's DLX (to the same missing DLQ) dropped it.
    expect(s.sent).toEqual(['redeclare q', 'ack 7']);
    expect(calls).toBe(2);
  });

  it('still unroutable after that: requeued after a pause, never rejected into a missing DLQ', async () => {
    const s = setup(unroutable);
    const t0 = Date.now();
    await expect(s.delivery.deadLetter('boom')).rejects.toThrow(/unroutable/);
    s.acks.flush();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(15);
    expect(s.sent).toEqual(['redeclare q', 'nack 7 requeue=true']);
    expect(s.settled()).toBe(1);
  });
});
