import { randomInt } from 'node:crypto';
import { type AmqpBroker, type AmqpEvent, createAmqpBroker, DUE_HEADER, tierName } from '@warren/amqp';
import { type Delivery, QueueFullError, TransportError } from '@warren/core';
import { eventually, makeJob, sleep } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const RUN = `ad-${FILE_ID}-${Math.random().toString(36).slice(2, 6)}`;
// Tier lengths unique to this run so the tier queues are ours alone on the shared broker.
const jitter = Math.floor(Math.random() * 90) + 1;
const TIERS = [300 + jitter, 1200 + jitter, 2500 + jitter];

describe('amqp adapter on :5672', () => {
  let broker: AmqpBroker;
  const events: AmqpEvent[] = [];
  const queues: string[] = [];
  const q = (name: string) => {
    const full = `${RUN}-${name}`;
    queues.push(full);
    return full;
  };

  beforeAll(async () => {
    broker = createAmqpBroker({
      urls: [URL],
      healthIntervalMs: 0,
      delayTiersMs: TIERS,
      queues: { [`${RUN}-full`]: { maxLength: 3 } },
      onEvent: (e) => events.push(e),
    });
    queues.push(`${RUN}-full`);
    await broker.connect();
  });

  afterAll(async () => {
    await broker.close();
    const c = await amqp.connect(URL);
    const ch = await c.createChannel();
    for (const name of queues) {
      await ch.deleteQueue(name);
      await ch.deleteQueue(`${name}.dlq`);
    }
    for (const t of TIERS) {
      await ch.deleteQueue(tierName(t));
      await ch.deleteExchange(tierName(t));
    }
    await c.close();
  });

  it('a full reject-publish queue yields QueueFullError (429), nothing is dropped', async () => {
    const name = `${RUN}-full`;
    // A quorum queue switches to rejecting once it is OVER its limit (3.10 lets the publish that
    // crosses it in), so expect the refusal by the 5th publish and at most limit + 1 messages.
    let err: unknown;
    let accepted = 0;
    for (let i = 0; i < 6 && !err; i++) {
      err = await broker.publisher.publish(name, makeJob({ queue: name })).then(
        () => {
          accepted++;
        },
        (e) => e,
      );
    }
    expect(err).toBeInstanceOf(QueueFullError);
    expect((err as QueueFullError).status).toBe(429);
    expect(accepted).toBeGreaterThanOrEqual(3);
    expect(accepted).toBeLessThanOrEqual(4);
    expect((await broker.checkQueue(name)).messageCount).toBe(accepted);
    // Still full: refused again, and again QueueFullError.
    await expect(broker.publisher.publish(name, makeJob({ queue: name }))).rejects.toBeInstanceOf(
      QueueFullError,
    );
  });

  it('a classic queue refuses exactly at its limit', async () => {
    const name = q('full-classic');
    await broker.ensureQueue(name, { type: 'classic', maxLength: 2 });
    await broker.publisher.publish(name, makeJob({ queue: name }));
    await broker.publisher.publish(name, makeJob({ queue: name }));
    await expect(broker.publisher.publish(name, makeJob({ queue: name }))).rejects.toBeInstanceOf(
      QueueFullError,
    );
    expect((await broker.checkQueue(name)).messageCount).toBe(2);
  });

  it('a queue declared elsewhere with other arguments is a non-recoverable error, not QueueFull', async () => {
    const name = q('hidden-limit');
    const c = await amqp.connect(URL);
    const ch = await c.createChannel();
    await ch.assertQueue(name, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': `${name}.dlq`,
        'x-max-length': 1,
        'x-overflow': 'reject-publish',
      },
    });
    await ch.assertQueue(`${name}.dlq`, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await c.close();
    const b2 = createAmqpBroker({ urls: [URL], healthIntervalMs: 0, delayTiersMs: TIERS });
    await b2.connect();
    try {
      // The adapter declares with its own arguments: PRECONDITION_FAILED is not recoverable.
      const declared = await b2.publisher.publish(name, makeJob({ queue: name })).catch((e) => e);
      expect(declared).toBeInstanceOf(TransportError);
      expect((declared as TransportError).recoverable).toBe(false);
      expect(declared).not.toBeInstanceOf(QueueFullError);
    } finally {
      await b2.close();
    }
  });

  it('an unroutable publish (queue deleted under us) is an error, not a black hole', async () => {
    const name = q('gone');
    await broker.ensureQueue(name);
    const c = await amqp.connect(URL);
    await (await c.createChannel()).deleteQueue(name);
    await c.close();
    const err = await broker.publishRaw(name, 'x').catch((e) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toMatch(/unroutable/);
  });

  it('a poison body lands in the DLQ with its reason; the handler never sees it; no redelivery loop', async () => {
    const name = q('poison');
    await broker.ensureQueue(name);
    await broker.publishRaw(name, '\u0000\u0001 binary junk');
    const seen: Delivery[] = [];
    const sub = await broker.consumer.consume(name, async (d) => {
      seen.push(d);
      await d.ack();
    });
    const dead = await eventually(async () => {
      const r = await broker.peekDeadLetters(name);
      return r.length === 1 ? r : undefined;
    });
    await sleep(300);
    await sub.close();
    expect(seen).toEqual([]);
    expect(dead[0]!.reason).toMatch(/not JSON/);
    expect(dead[0]!.body).toContain('binary junk');
    expect((await broker.checkQueue(name)).messageCount).toBe(0);
    expect((await broker.checkQueue(`${name}.dlq`)).messageCount).toBe(1);
  });

  it('retries land in the right tier (largest tier not above the delay) with their due time', async () => {
    const name = q('retry-tier');
    await broker.ensureQueue(name);
    await broker.publisher.publish(name, makeJob({ queue: name }));
    // Above the largest tier: tier 3, then a hop. The remainder well above the shortest tier: one
    // below it is waited out by the consumer instead of hopping (a tier back late under load did).
    const delay = TIERS[2]! + 700;
    const seen: { attempt: number; at: number }[] = [];
    let retriedAt = 0;
    const sub = await broker.consumer.consume(name, async (d) => {
      seen.push({ attempt: d.attempt, at: Date.now() });
      if (d.attempt === 1) {
        retriedAt = Date.now();
        await d.retry(delay);
      } else await d.ack();
    });
    await eventually(() => retriedAt > 0);
    // The retry sits in the largest tier (2.5 s), not in the work queue or another tier.
    const inTier = await eventually(async () => {
      const n = (await broker.checkQueue(tierName(TIERS[2]!))).messageCount;
      return n === 1 ? n : undefined;
    });
    expect(inTier).toBe(1);
    expect((await broker.checkQueue(tierName(TIERS[1]!))).messageCount).toBe(0);
    expect((await broker.checkQueue(name)).messageCount).toBe(0);
    await eventually(() => seen.length === 2, 15_000);
    await sub.close();
    expect(seen.map((s) => s.attempt)).toEqual([1, 2]);
    expect(seen[1]!.at - retriedAt).toBeGreaterThanOrEqual(delay - 10);
    // It came back early from the 2.5 s tier and hopped through the shortest tier.
    expect(events.some((e) => e.type === 'delay-hop' && e.queue === name)).toBe(true);
  });

  it('a delayed job is not delivered early, even across several tiers', async () => {
    const name = q('delayed');
    await broker.ensureQueue(name);
    const delays = [TIERS[0]! - 100, TIERS[1]! + 50, TIERS[2]! * 2];
    const t0 = Date.now();
    const jobs = delays.map((d) => ({
      job: makeJob({ queue: name, notBefore: new Date(t0 + d).toISOString() }),
      d,
    }));
    for (const { job, d } of jobs) await broker.publisher.publish(name, job, { delayMs: d });
    const got = new Map<string, number>();
    const sub = await broker.consumer.consume(name, async (d) => {
      got.set(d.job.id, Date.now());
      await d.ack();
    });
    await eventually(() => got.size === jobs.length, 20_000);
    await sub.close();
    for (const { job, d } of jobs) expect(got.get(job.id)! - t0).toBeGreaterThanOrEqual(d - 10);
  });

  it('a message published to a tier carries its due time and routing key back to its own queue', async () => {
    const a = q('route-a');
    const b = q('route-b');
    await broker.ensureQueue(a);
    await broker.ensureQueue(b);
    await broker.publisher.publish(a, makeJob({ queue: a, input: { to: 'a' } }), { delayMs: TIERS[0]! });
    await broker.publisher.publish(b, makeJob({ queue: b, input: { to: 'b' } }), { delayMs: TIERS[0]! });
    const c = await amqp.connect(URL);
    const ch = await c.createChannel();
    const fromA = await eventually(async () => (await ch.get(a, { noAck: true })) || undefined, 10_000);
    const fromB = await eventually(async () => (await ch.get(b, { noAck: true })) || undefined, 10_000);
    await c.close();
    expect(JSON.parse(fromA.content.toString()).input).toEqual({ to: 'a' });
    expect(JSON.parse(fromB.content.toString()).input).toEqual({ to: 'b' });
    expect(Number(fromA.properties.headers?.[DUE_HEADER])).toBeGreaterThan(0);
    expect(fromA.properties.deliveryMode).toBe(2);
  });

  it('a confirm channel closed by a channel error is reopened; later publishes go through', async () => {
    const name = q('reopen');
    await broker.ensureQueue(name);
    await broker.publishRaw(name, 'ok-1');
    // A publish to a missing exchange makes the broker close the channel (404).
    const c = await amqp.connect(URL);
    const ch = await c.createChannel();
    await ch.deleteExchange(tierName(TIERS[0]!));
    await c.close();
    // The publisher declares the tier again and sends that publish once more on a new channel.
    const failed = await broker.publisher
      .publish(name, makeJob({ queue: name }), { delayMs: TIERS[0]! })
      .catch((e) => e);
    expect(failed).toBeUndefined();
    await eventually(
      () =>
        broker.publisher.publish(name, makeJob({ queue: name })).then(
          () => true,
          () => false,
        ),
      5000,
      100,
    );
    // The queue holds the good messages.
    expect((await broker.checkQueue(name)).messageCount).toBeGreaterThanOrEqual(2);
  });

  it('priorities on a quorum queue are refused as a config error (classic only on RabbitMQ 3.10)', async () => {
    const name = q('prio-quorum');
    const err = await broker.ensureQueue(name, { type: 'quorum', maxPriority: 5 }).catch((e) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).recoverable).toBe(false);
    expect((err as Error).message).toMatch(/classic/);
    const classic = q('prio-classic');
    await broker.ensureQueue(classic, { type: 'classic', maxPriority: 5 });
    await broker.publisher.publish(classic, makeJob({ queue: classic, priority: 1, input: { p: 1 } }));
    await broker.publisher.publish(classic, makeJob({ queue: classic, priority: 5, input: { p: 5 } }));
    const c = await amqp.connect(URL);
    const ch = await c.createChannel();
    const first = await ch.get(classic, { noAck: true });
    await c.close();
    expect(first && JSON.parse(first.content.toString()).input).toEqual({ p: 5 });
  });
});
