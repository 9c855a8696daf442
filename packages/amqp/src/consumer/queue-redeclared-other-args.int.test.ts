import { eventually } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AmqpEvent } from '../connection/events';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { dlqName } from '../topology/queue-arguments';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `h73-qargs-${process.pid}`;
let broker: AmqpBroker;
let admin: amqp.ChannelModel;
const events: AmqpEvent[] = [];

beforeAll(async () => {
  broker = createAmqpBroker({
    urls: [URL],
    queues: { [Q]: { type: 'classic' } },
    healthIntervalMs: 0,
    onEvent: (e) => events.push(e),
  });
  await broker.connect();
  admin = await amqp.connect(URL);
});

afterAll(async () => {
  await broker.close();
  const ch = await admin.createChannel();
  for (const q of [Q, dlqName(Q)]) await ch.deleteQueue(q).catch(() => {});
  await admin.close();
});

/**
 * The queue deleted under the worker and declared again by someone else with other arguments
 * (no dead-letter exchange): each restart's declare is refused (PRECONDITION_FAILED). The real
 * `warren worker` logged the cancel, then nothing while it consumed nothing for minutes.
 */
it('says why it cannot consume the queue again after a cancel, on each try', async () => {
  await broker.consumer.consume(Q, async (d) => d.ack());
  const ch = await admin.createChannel();
  await ch.deleteQueue(Q);
  await ch.assertQueue(Q, { durable: true });
  await ch.close();
  const refusals = () =>
    events.filter((e) => e.type === 'consumer-error' && /PRECONDITION_FAILED/.test(e.error));
  // Restarts come 1 s, then 2 s after the cancel (restart-delay.ts).
  await eventually(() => refusals().length >= 2, 10_000, 100);
  expect(refusals()[0]).toMatchObject({ queue: Q, error: expect.stringMatching(/retrying in \d+ s/) });
}, 20_000);
