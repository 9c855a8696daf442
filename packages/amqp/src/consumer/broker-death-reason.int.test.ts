import { randomInt } from 'node:crypto';
import { eventually, makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { dlqName } from '../topology/queue-arguments';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `h79-death-reason-${FILE_ID}`;

/**
 * A letter the broker dead-lettered (no x-warren-reason) is listed with its last death's reason
 * (helper-79). It read x-first-death-reason, the message's first death: for a job that had come
 * through a delay tier (a delayed enqueue, a retry) that is the tier's TTL, `expired`, whatever
 * sent it to the DLQ later (a Celery worker's reject, the queue's DLX when the worker's copy to
 * the DLQ was not confirmed).
 */
let broker: AmqpBroker;
let admin: amqp.ChannelModel;

beforeAll(async () => {
  broker = createAmqpBroker({ urls: [URL], healthIntervalMs: 0 });
  await broker.connect();
  await broker.ensureQueue(Q);
  admin = await amqp.connect(URL);
});
afterAll(async () => {
  await broker.close();
  const ch = await admin.createChannel();
  for (const q of [Q, dlqName(Q)]) await ch.deleteQueue(q).catch(() => {});
  await admin.close();
});

it('a delayed job rejected from its queue is listed as rejected, not expired', async () => {
  await broker.publisher.publish(Q, makeJob({ queue: Q }), { delayMs: 300 });
  const ch = await admin.createChannel();
  let rejected = false;
  await ch.consume(Q, (m) => {
    if (!m) return;
    ch.nack(m, false, false);
    rejected = true;
  });
  await eventually(() => rejected, 5000);
  const letters = await eventually(async () => {
    const l = await broker.peekDeadLetters(Q);
    return l.length > 0 ? l : undefined;
  }, 5000);
  await ch.close();
  expect(letters.map((l) => l.reason)).toEqual(['rejected']);
});
