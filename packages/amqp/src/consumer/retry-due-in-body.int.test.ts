import { makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { tierName } from '../topology/delay-tiers';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `h63-celery-retry-${process.pid}`;
// A tier length unique to this run: the tier is ours alone on the shared broker.
const TIER = 600 + (process.pid % 97);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A retry longer than a tier comes back to its queue early, through the largest tier not above it,
 * and warren's consumer sends it on by its x-warren-due header. Other readers of the queue see
 * only the body: a Python Celery worker sharing a `protocol: 'celery'` queue reads `eta`, which
 * the retry left at the job's first one (none), so it ran the early copy at once.
 */
describe('a retry that comes back from a tier early, on a Celery queue', () => {
  let broker: AmqpBroker;
  let admin: amqp.ChannelModel;

  beforeAll(async () => {
    broker = createAmqpBroker({
      urls: [URL],
      healthIntervalMs: 0,
      delayTiersMs: [TIER],
      queues: { [Q]: { protocol: 'celery' } },
    });
    await broker.connect();
    await broker.ensureQueue(Q);
    admin = await amqp.connect(URL);
  });

  afterAll(async () => {
    await broker.close();
    const ch = await admin.createChannel();
    for (const q of [Q, `${Q}.dlq`, tierName(TIER)]) await ch.deleteQueue(q).catch(() => {});
    await ch.deleteExchange(tierName(TIER)).catch(() => {});
    await admin.close();
  });

  it('carries its due time as the eta a Celery worker honours', async () => {
    let due = 0;
    const sub = await broker.consumer.consume(Q, async (d) => {
      due = Date.now() + 2 * TIER;
      await d.retry(2 * TIER); // through the tier: back after TIER, TIER early
    });
    await broker.publisher.publish(Q, makeJob({ queue: Q, input: { n: 1 } }));
    while (!due) await sleep(20);
    await sub.close(); // no warren consumer: the copy waits in the queue as a Celery worker would get it
    const ch = await admin.createChannel();
    let back: amqp.GetMessage | false = false;
    for (const until = Date.now() + TIER + 5000; !back && Date.now() < until; await sleep(50))
      back = await ch.get(Q, { noAck: true });
    await ch.close();
    expect(back).not.toBe(false);
    const m = back as amqp.GetMessage;
    expect(Date.now()).toBeLessThan(due); // it is early
    expect(m.properties.headers?.retries).toBe(1);
    const eta = Date.parse(String(m.properties.headers?.eta));
    expect(eta).toBeGreaterThanOrEqual(due - 50);
    expect(eta).toBeLessThanOrEqual(due + 1000);
  }, 30_000);
});
