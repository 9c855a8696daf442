import { TransportError } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { tierName } from './delay-tiers';
import { dlqName } from './queue-arguments';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `h75-tiermis-${process.pid}`;
// A tier length unique to this run: the tier is ours alone on the shared broker.
const TIER = 800 + (process.pid % 97);
let admin: amqp.ChannelModel;
let broker: AmqpBroker;

beforeAll(async () => {
  admin = await amqp.connect(URL);
  const ch = await admin.createChannel();
  // The tier's queue made by hand (or by another version) with other arguments: never bound.
  await ch.assertQueue(tierName(TIER), { durable: true, arguments: { 'x-message-ttl': TIER } });
  await ch.close();
  broker = createAmqpBroker({
    urls: [URL],
    queues: { [Q]: { type: 'classic' } },
    healthIntervalMs: 0,
    delayTiersMs: [TIER],
  });
  await broker.connect();
});

afterAll(async () => {
  await broker?.close();
  const ch = await admin.createChannel();
  for (const q of [Q, dlqName(Q), tierName(TIER)]) await ch.deleteQueue(q).catch(() => {});
  await ch.deleteExchange(tierName(TIER)).catch(() => {});
  await admin.close();
});

it('a delay tier whose queue exists with other arguments: the delayed publish says so; deleted, it works', async () => {
  await broker.publisher.publish(Q, makeJob({ queue: Q })); // declared
  const err = await broker.publisher
    .publish(Q, makeJob({ queue: Q }), { delayMs: TIER + 100 })
    .catch((e: Error) => e);
  expect(err).toBeInstanceOf(TransportError);
  expect((err as TransportError).recoverable).toBe(true); // another region may take it
  // Before: 'delay tier warren.delay.v2.<ms> has no queue (deleted?): declaring it again', on every
  // delayed publish and every retry of a worker, while the queue was there all along.
  expect((err as Error).message).toContain(
    `delay tier ${tierName(TIER)} cannot take the delayed publish to ${Q}: queue ${tierName(TIER)} exists with other arguments: x-dead-letter-exchange is not set on the broker`,
  );
  const ch = await admin.createChannel();
  await ch.deleteQueue(tierName(TIER));
  await ch.close();
  await broker.publisher.publish(Q, makeJob({ queue: Q }), { delayMs: TIER + 100 });
});
