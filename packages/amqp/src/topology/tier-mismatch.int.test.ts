import { randomInt } from 'node:crypto';
import { TransportError } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { tierName } from './delay-tiers';
import { dlqName } from './queue-arguments';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `h75-tiermis-${FILE_ID}`;
// A tier length unique to this run: the tier is ours alone on the shared broker.
const TIER = 800 + (FILE_ID % 97);
let admin: amqp.ChannelModel;
const brokers: AmqpBroker[] = [];

const connect = async (delayTiersMs: number[]) => {
  const b = createAmqpBroker({
    urls: [URL],
    queues: { [Q]: { type: 'classic' } },
    healthIntervalMs: 0,
    delayTiersMs,
  });
  brokers.push(b);
  await b.connect();
  await b.publisher.publish(Q, makeJob({ queue: Q })); // declared
  return b;
};

beforeAll(async () => {
  admin = await amqp.connect(URL);
  const ch = await admin.createChannel();
  // The tier's queue made by hand (or by another version) with other arguments: never bound.
  await ch.assertQueue(tierName(TIER), { durable: true, arguments: { 'x-message-ttl': TIER } });
  await ch.close();
});

afterAll(async () => {
  for (const b of brokers) await b.close().catch(() => {});
  const ch = await admin.createChannel();
  for (const q of [Q, dlqName(Q), tierName(TIER)]) await ch.deleteQueue(q).catch(() => {});
  await ch.deleteExchange(tierName(TIER)).catch(() => {});
  await admin.close();
});

it('a delay goes through the smaller tiers around a tier whose queue exists with other arguments', async () => {
  const broker = await connect([250, TIER]);
  const job = makeJob({ queue: Q });
  const sent = Date.now();
  // Before: refused ('has no queue (deleted?)'); a worker's retry was handed back and its attempt
  // run again and again.
  await broker.publisher.publish(Q, job, { delayMs: TIER + 100 });
  const got = await new Promise<number>((resolve) => {
    void broker.consumer.consume(Q, async (d) => {
      await d.ack();
      if (d.job.id === job.id) resolve(Date.now());
    });
  });
  expect(got - sent).toBeGreaterThanOrEqual(TIER + 100 - 50);
}, 15_000);

it('with no other tier the delayed publish says why; the queue deleted, it works', async () => {
  const broker = await connect([TIER]);
  const err = await broker.publisher
    .publish(Q, makeJob({ queue: Q }), { delayMs: TIER + 100 })
    .catch((e: Error) => e);
  expect(err).toBeInstanceOf(TransportError);
  expect((err as TransportError).recoverable).toBe(true); // another region may take it
  expect((err as Error).message).toContain(
    `delay tier ${tierName(TIER)} cannot take the delayed publish to ${Q}: queue ${tierName(TIER)} exists with other arguments: x-dead-letter-exchange is not set on the broker`,
  );
  const ch = await admin.createChannel();
  await ch.deleteQueue(tierName(TIER));
  await ch.close();
  await broker.publisher.publish(Q, makeJob({ queue: Q }), { delayMs: TIER + 100 });
});
