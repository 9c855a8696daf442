import { randomInt } from 'node:crypto';
import { TransportError } from '@warren/core';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `h54-prefetch-${FILE_ID}`;

/**
 * basic.qos carries the prefetch in 16 bits. `warren worker -c 70000` made amqplib throw a
 * RangeError on each subscribe, read as recoverable: consume() resolved, the worker said it was
 * consuming, and it retried every 1..30 s forever without a consumer or a log line.
 */
describe('a prefetch RabbitMQ cannot hold (shared node)', () => {
  let broker: AmqpBroker;

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [URL], queues: { [Q]: { type: 'classic' } }, healthIntervalMs: 0 });
    await broker.connect();
  });

  afterAll(async () => {
    await broker.close();
    const c = await amqp.connect(URL);
    const ch = await c.createChannel();
    for (const q of [Q, `${Q}.dlq`]) await ch.deleteQueue(q);
    await c.close();
  });

  it('is refused by consume(), not retried in silence', async () => {
    const err = await broker.consumer
      .consume(Q, async () => {}, { prefetch: 70_000 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ recoverable: false, message: expect.stringMatching(/70000.*65535/) });
  });

  it('65535 still works', async () => {
    const sub = await broker.consumer.consume(Q, async () => {}, { prefetch: 65_535 });
    expect((await broker.checkQueue(Q)).consumerCount).toBe(1);
    await sub.close();
  });
});
