import { randomInt } from 'node:crypto';
import type { Delivery } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { queueTierName } from '../topology/delay-tiers';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `qo-short-full-${FILE_ID}`;
// The smallest tier, unique to this run; the delays below are shorter, so they skip the tiers.
const TIER = 400 + (FILE_ID % 97);
let broker: AmqpBroker;

beforeAll(async () => {
  broker = createAmqpBroker({
    urls: [URL],
    healthIntervalMs: 0,
    delayTiersMs: [TIER],
    // Classic: its limit is exact (a quorum queue lets the publish that crosses it in).
    queues: { [Q]: { type: 'classic', maxLength: 1 } },
  });
  await broker.connect();
  await broker.ensureQueue(Q);
});

afterAll(async () => {
  await broker?.close();
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [Q, `${Q}.dlq`, queueTierName(TIER, Q)]) await ch.deleteQueue(q).catch(() => {});
  await ch.deleteExchange(queueTierName(TIER, Q)).catch(() => {});
  await conn.close();
});

/**
 * A delay shorter than the smallest tier goes straight to the queue (its consumer holds it until
 * due). At the queue's maxLength that publish was refused: the enqueue of a delayed job answered
 * 429 and a short-backoff retry failed, where every other delay (and the in-memory broker) waits
 * outside the queue for room.
 */
it('a delay under the smallest tier is taken by a queue at its maxLength, as a longer one is', async () => {
  await broker.publisher.publish(Q, makeJob({ queue: Q, input: { n: 'first' } }));
  // Full now: a plain publish is refused, a short delayed one is not.
  await expect(broker.publisher.publish(Q, makeJob({ queue: Q }))).rejects.toMatchObject({ status: 429 });
  await broker.publisher.publish(Q, makeJob({ queue: Q, input: { n: 'delayed' } }), { delayMs: 100 });
  const seen: string[] = [];
  const sub = await broker.consumer.consume(
    Q,
    async (d: Delivery) => {
      const n = (d.job.input as { n: string }).n;
      seen.push(`${n}#${d.attempt}`);
      if (n === 'first' && d.attempt === 1) {
        await broker.publisher.publish(Q, makeJob({ queue: Q, input: { n: 'other' } })); // full again
        await d.retry(50); // a short backoff: taken, not refused
        return;
      }
      await d.ack();
    },
    { prefetch: 1 },
  );
  for (let i = 0; i < 200 && seen.length < 4; i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  await sub.close();
  expect([...seen].sort()).toEqual(['delayed#1', 'first#1', 'first#2', 'other#1']);
});
