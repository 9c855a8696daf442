import { randomInt } from 'node:crypto';
import { makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { tierName } from '../topology/delay-tiers';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `chanerr-${FILE_ID}`;
const TIER = 900_000 + (FILE_ID % 90_000);
const job = (i: number) =>
  makeJob({ id: `0190a000-0000-7000-8000-${String(i).padStart(12, '0')}`, task: 't', queue: Q });

describe('a channel error on the publisher channel (shared node)', () => {
  let broker: AmqpBroker;
  let admin: amqp.ChannelModel;
  let ach: amqp.Channel;

  beforeAll(async () => {
    broker = createAmqpBroker({
      urls: [URL],
      queues: { [Q]: { type: 'classic' } },
      healthIntervalMs: 0,
      delayTiersMs: [TIER],
      delayTierType: 'classic',
    });
    await broker.connect();
    admin = await amqp.connect(URL);
    ach = await admin.createChannel();
  });

  afterAll(async () => {
    await broker.close();
    for (const q of [Q, `${Q}.dlq`, tierName(TIER)]) await ach.deleteQueue(q).catch(() => {});
    await ach.deleteExchange(tierName(TIER)).catch(() => {});
    await admin.close();
  });

  it('the others recoverable saying why; re-declares the deleted delay tier and sends the culprit again', async () => {
    await broker.publisher.publish(Q, job(0)); // declared: the hot path from here on
    await ach.deleteExchange(tierName(TIER)); // an operator deletes a tier exchange
    const outcome = (p: Promise<void>) =>
      p.then(
        () => 'ok',
        (e: { recoverable: boolean; message: string }) => `err recoverable=${e.recoverable} ${e.message}`,
      );
    const before = Array.from({ length: 200 }, (_, i) => outcome(broker.publisher.publish(Q, job(i + 1))));
    const delayed = outcome(broker.publisher.publish(Q, job(999), { delayMs: 5000 }));
    const after = Array.from({ length: 200 }, (_, i) => outcome(broker.publisher.publish(Q, job(i + 300))));
    // Before: "connection lost" (recoverable) for it and every other publish in flight; then the
    // 404, not recoverable. Nothing was enqueued and the tier is declared again: sent once more.
    expect(await delayed).toBe('ok');
    // The others did nothing wrong: recoverable, and they say what closed the channel.
    for (const r of await Promise.all([...before, ...after])) {
      if (r !== 'ok') expect(r).toMatch(/^err recoverable=true .*NOT_FOUND/);
    }
    // Before: the tier stayed missing until a reconnect; every delayed publish failed the same way.
    expect(await outcome(broker.publisher.publish(Q, job(1000), { delayMs: 5000 }))).toBe('ok');
    expect((await ach.checkQueue(tierName(TIER))).messageCount).toBe(2);
  });
});
