import { randomInt } from 'node:crypto';
import { makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmqpEvent } from '../connection/events';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { tierName } from './delay-tiers';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `h59-tierdel-${FILE_ID}`;
// A tier length unique to this run: the tier is ours alone on the shared broker.
const TIER = 700 + (FILE_ID % 97);

/** An operator (or a policy) deletes a delay tier's queue while warren runs (shared node). */
describe('a delay tier queue deleted under a running publisher', () => {
  let broker: AmqpBroker;
  let admin: amqp.ChannelModel;
  let ach: amqp.Channel;
  const events: AmqpEvent[] = [];

  beforeAll(async () => {
    broker = createAmqpBroker({
      urls: [URL],
      queues: { [Q]: { type: 'classic' } },
      healthIntervalMs: 0,
      delayTiersMs: [TIER],
      delayTierType: 'classic',
      onEvent: (e) => {
        if (e.type !== 'confirm') events.push(e);
      },
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

  it('the delayed publish declares the tier again and arrives', async () => {
    await broker.publisher.publish(Q, makeJob({ queue: Q })); // declared
    await ach.deleteQueue(tierName(TIER));
    // Before: rejected 'unroutable: no queue <Q> (basic.return)', not recoverable (Q exists: the
    // tier's exchange had no queue), and so was every later delayed publish until a reconnect;
    // a worker's retry of a failed job went round and round.
    for (let i = 0; i < 3; i++) await broker.publisher.publish(Q, makeJob({ queue: Q }), { delayMs: TIER });
    const inQueue = async () => (await ach.checkQueue(Q)).messageCount;
    const t0 = Date.now();
    while ((await inQueue()) < 4 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 100));
    expect(await inQueue()).toBe(4);
    expect(events.filter((e) => e.type === 'connected')).toHaveLength(1);
  });
});
