import { randomInt } from 'node:crypto';
import { makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { dlqName } from '../topology/queue-arguments';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `dlq-missing-${FILE_ID}`;
const POISON = `dlq-missing-poison-${FILE_ID}`;

/** An operator "purges" a DLQ by deleting it: dead-lettering must not lose the message. */
describe('dead-lettering into a deleted <queue>.dlq (shared node)', () => {
  let broker: AmqpBroker;
  let admin: amqp.ChannelModel;
  let ach: amqp.Channel;

  beforeAll(async () => {
    broker = createAmqpBroker({
      urls: [URL],
      queues: { [Q]: { type: 'classic' }, [POISON]: { type: 'classic' } },
      healthIntervalMs: 0,
      delayTiersMs: [250],
      delayTierType: 'classic',
    });
    await broker.connect();
    admin = await amqp.connect(URL);
    ach = await admin.createChannel();
  });

  afterAll(async () => {
    await broker.close();
    for (const q of [Q, dlqName(Q), POISON, dlqName(POISON)]) await ach.deleteQueue(q).catch(() => {});
    await admin.close();
  });

  /** Messages in `queue`, 0 when it does not exist (a passive declare of a missing queue closes its channel). */
  const count = async (queue: string) => {
    const ch = await admin.createChannel();
    ch.on('error', () => {});
    const n = await ch.checkQueue(queue).then(
      (r) => r.messageCount,
      () => 0,
    );
    await ch.close().catch(() => {});
    return n;
  };

  const waitForDlq = async (queue: string) => {
    for (let i = 0; i < 50; i++) {
      const n = await count(dlqName(queue));
      if (n > 0) return n;
      await new Promise((r) => setTimeout(r, 100));
    }
    return 0;
  };

  it('deadLetter() re-declares the DLQ and the copy lands there with its reason', async () => {
    await ach.deleteQueue(dlqName(Q));
    await broker.publisher.publish(Q, makeJob({ queue: Q }));
    let err: unknown;
    const sub = await broker.consumer.consume(Q, (d) =>
      d.deadLetter('permanent failure').catch((e) => (err = e)),
    );
    // Before: unroutable copy, rejected into the DLX, whose target was the same missing queue: lost.
    expect(await waitForDlq(Q)).toBe(1);
    await sub.close();
    expect(err).toBeUndefined();
    const [rec] = await broker.peekDeadLetters(Q);
    expect(rec?.reason).toBe('permanent failure');
    expect(await count(Q)).toBe(0);
  });

  it('an undecodable body goes to the re-declared DLQ too', async () => {
    await ach.deleteQueue(dlqName(POISON));
    await broker.publishRaw(POISON, 'not json');
    const sub = await broker.consumer.consume(POISON, async () => {});
    expect(await waitForDlq(POISON)).toBe(1);
    await sub.close();
  });
});
