import { randomInt } from 'node:crypto';
import { makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { dlqName } from './queue-arguments';
import { QueueArgumentsMismatchError } from './queue-mismatch';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `h75-qmis-${FILE_ID}`;
let admin: amqp.ChannelModel;
let broker: AmqpBroker;

beforeAll(async () => {
  admin = await amqp.connect(URL);
  const ch = await admin.createChannel();
  // Declared by an earlier config (maxLength 10); the config now says 100.
  const args = { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlqName(Q) };
  await ch.assertQueue(Q, {
    durable: true,
    arguments: { ...args, 'x-queue-type': 'quorum', 'x-max-length': 10 },
  });
  await ch.close();
  broker = createAmqpBroker({ urls: [URL], queues: { [Q]: { maxLength: 100 } }, healthIntervalMs: 0 });
  await broker.connect();
});

afterAll(async () => {
  await broker?.close();
  const ch = await admin.createChannel();
  for (const q of [Q, dlqName(Q)]) await ch.deleteQueue(q).catch(() => {});
  await admin.close();
});

it('a queue declared with other arguments: the publish names the queue, the argument and both values; deleted, it is declared again', async () => {
  const err = await broker.publisher.publish(Q, makeJob({ queue: Q })).catch((e: Error) => e);
  // Before: 'declare queue <q>: Operation failed: QueueDeclare; 406 (PRECONDITION-FAILED) ...'.
  expect(err).toBeInstanceOf(QueueArgumentsMismatchError);
  expect((err as QueueArgumentsMismatchError).recoverable).toBe(false);
  expect((err as Error).message).toContain(
    `queue ${Q} exists with other arguments: x-max-length (maxLength) is '10' on the broker, '100' in warren's declare`,
  );
  // The way out the README gives: the operator deletes the (drained) queue; no restart needed.
  const ch = await admin.createChannel();
  await ch.deleteQueue(Q);
  await ch.close();
  await broker.publisher.publish(Q, makeJob({ queue: Q }));
  expect((await broker.checkQueue(Q)).messageCount).toBe(1);
});
