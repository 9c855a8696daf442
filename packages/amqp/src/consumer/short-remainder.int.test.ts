import { randomInt } from 'node:crypto';
import { makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { tierName } from '../topology/delay-tiers';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `h63-remainder-${FILE_ID}`;
const BRIDGED = `h63-bridged-${FILE_ID}`;
// A tier length unique to this run: the tier is ours alone on the shared broker.
const TIER = 600 + (FILE_ID % 97);

/**
 * A delay that is a tier plus a little comes back from the tier with that little left. Sent
 * through the smallest tier again for it, the job ran a whole tier late (measured with the
 * default tiers: delayMs 5010 ran 255 ms late, 260 ran 251 ms late, against ~10 ms for 5000).
 */
describe('a delayed job back from its tier with less than the smallest tier left', () => {
  let broker: AmqpBroker;

  beforeAll(async () => {
    broker = createAmqpBroker({
      urls: [URL],
      healthIntervalMs: 0,
      delayTiersMs: [TIER],
      queues: { [Q]: {}, [BRIDGED]: { sqs: true } },
    });
    await broker.connect();
    await broker.ensureQueue(Q);
    await broker.ensureQueue(BRIDGED);
  });

  afterAll(async () => {
    await broker.close();
    const conn = await amqp.connect(URL);
    const ch = await conn.createChannel();
    for (const q of [Q, `${Q}.dlq`, BRIDGED, `${BRIDGED}.dlq`, tierName(TIER)])
      await ch.deleteQueue(q).catch(() => {});
    await ch.deleteExchange(tierName(TIER)).catch(() => {});
    await conn.close();
  });

  it('runs when due, not a tier later, and never early', async () => {
    const due = new Map<string, number>();
    const late = new Map<string, number>();
    const sub = await broker.consumer.consume(Q, async (d) => {
      late.set(d.job.id, Date.now() - due.get(d.job.id)!);
      await d.ack();
    });
    // Remainders of 20, 80 and 160 ms after the tier (all below it, the smallest tier).
    for (const extra of [20, 80, 160]) {
      const job = makeJob({ queue: Q });
      due.set(job.id, Date.now() + TIER + extra); // the publish stamps its due time after this
      await broker.publisher.publish(Q, job, { delayMs: TIER + extra });
    }
    const deadline = Date.now() + 3 * TIER + 10_000;
    while (late.size < due.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await sub.close();
    expect(late.size).toBe(3);
    for (const ms of late.values()) {
      expect(ms).toBeGreaterThanOrEqual(0);
      // A hop through the tier again made each at least TIER - 160 ms late (440+ ms here).
      expect(ms).toBeLessThan(TIER / 2);
    }
  }, 30_000);

  it('a delay or retry shorter than the smallest tier runs when due, not a tier late', async () => {
    // Through the tier: delayMs 1 ran 259 ms late, 10 ran 246 ms late (default 250 ms tier).
    const due = new Map<string, number>();
    const late: { attempt: number; ms: number }[] = [];
    const sub = await broker.consumer.consume(Q, async (d) => {
      late.push({ attempt: d.attempt, ms: Date.now() - due.get(d.job.id)! });
      if (d.attempt > 1) return d.ack();
      due.set(d.job.id, Date.now() + 80);
      await d.retry(80);
    });
    const job = makeJob({ queue: Q });
    due.set(job.id, Date.now() + 100);
    await broker.publisher.publish(Q, job, { delayMs: 100 });
    const deadline = Date.now() + 3 * TIER + 10_000;
    while (late.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await sub.close();
    expect(late.map((l) => l.attempt)).toEqual([1, 2]);
    for (const { ms } of late) {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(TIER / 2);
    }
  }, 30_000);

  it('a queue bridged into SQS keeps its short delays in the tier (the bridge does not hold them)', async () => {
    await broker.publisher.publish(BRIDGED, makeJob({ queue: BRIDGED }), { delayMs: 100 });
    expect((await broker.checkQueue(BRIDGED)).messageCount).toBe(0);
    await new Promise((r) => setTimeout(r, TIER + 1000));
    expect((await broker.checkQueue(BRIDGED)).messageCount).toBe(1);
  }, 30_000);
});
