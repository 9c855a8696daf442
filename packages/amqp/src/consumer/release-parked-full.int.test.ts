import { randomInt } from 'node:crypto';
import { makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { takeParked, withParkedQueue } from '../../../../test/support/parked-queue';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { DUE_EXCHANGE } from '../topology/delay-tiers';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `qo-parked-full-${FILE_ID}`;
let admin: amqp.ChannelModel;
let broker: AmqpBroker;

/** This run's messages in the shared parking queue, taken off it; the others are left there. */
const takeOurParked = () => takeParked(admin, (queue) => queue === Q);

beforeAll(async () => {
  admin = await amqp.connect(URL);
  // Due while their queue was gone: DUE_EXCHANGE has no binding for it, so they are parked.
  const ch = await admin.createConfirmChannel();
  for (let i = 0; i < 3; i++)
    ch.publish(DUE_EXCHANGE, Q, Buffer.from(JSON.stringify(makeJob({ queue: Q }))), { persistent: true });
  await ch.waitForConfirms();
  await ch.close();
  // Declared again, now with a length limit (the README's way to change a queue's settings).
  broker = createAmqpBroker({
    urls: [URL],
    healthIntervalMs: 0,
    queues: { [Q]: { type: 'classic', maxLength: 1 } },
  });
  await broker.connect();
});

afterAll(async () => {
  await broker?.close();
  await withParkedQueue(takeOurParked).catch(() => {});
  const ch = await admin.createChannel();
  for (const q of [Q, `${Q}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await admin.close();
});

/**
 * The release publishes every parked job, then waits for the confirms. A nack (the queue at its
 * maxLength refuses it) that came before that wait was dropped by amqplib (waitForConfirms only
 * sees the confirms still outstanding): the job was acked off the parking queue all the same and
 * reported "sent back", so a release into a full queue lost every job the queue refused.
 */
it(
  'a parked job the queue refuses (at its maxLength) stays parked, not reported sent back and lost',
  () =>
    // Alone among the files reading the parking queue (see withParkedQueue).
    withParkedQueue(async () => {
      const report = await broker.parked({ release: true, only: Q });
      const mine = report.queues.find((q) => q.queue === Q);
      expect(mine?.count).toBe(3);
      expect(mine?.released).toBe(1);
      expect(mine?.refused).toBe(2);
      expect((await broker.checkQueue(Q)).messageCount).toBe(1);
      expect(await takeOurParked()).toBe(2);
    }),
  60_000,
);
