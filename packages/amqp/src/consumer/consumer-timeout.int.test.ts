import type { Delivery } from '@warren/core';
import { eventually, makeJob, sleep } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitHarness, type RabbitNode } from '../../../../test/support/rabbit-nodes';
import type { AmqpEvent } from '../connection/events';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';

const Q = `ctimeout-${process.pid}`;

/**
 * RabbitMQ's consumer_timeout (30 min by default; 2 s on this private node, checked every 0.5 s)
 * closes a consumer channel whose delivery stayed unacked too long: every delivery of that channel
 * goes back to the queue. The acks of the others, finishing after, must not reach the new channel
 * (an unknown delivery tag would close it too), and the new channel has the same prefetch.
 */
describe('a consumer channel closed by consumer_timeout (private node)', () => {
  const harness = new RabbitHarness();
  let node: RabbitNode;
  let broker: AmqpBroker | undefined;
  const events: AmqpEvent[] = [];

  beforeAll(async () => {
    [node] = (await harness.start([{ name: 'warren-ctimeout', port: 26131 }])) as [RabbitNode];
    await node.erl(
      'application:set_env(rabbit, consumer_timeout, 2000), application:set_env(rabbit, channel_tick_interval, 500)',
    );
  }, 180_000);

  afterAll(async () => {
    await broker?.close().catch(() => {});
    await harness.stopAll();
  }, 120_000);

  it('resubscribes with the same prefetch; the old channel acks are dropped', async () => {
    broker = createAmqpBroker({
      urls: [node.url],
      queues: { [Q]: { type: 'quorum' } },
      delayTiersMs: [1000],
      healthIntervalMs: 0,
      onEvent: (e) => events.push(e),
    });
    await broker.connect();
    const first: Delivery[] = [];
    const copies: string[] = [];
    let inFlight = 0;
    let most = 0;
    let holdNew = true;
    await broker.consumer.consume(
      Q,
      async (d: Delivery) => {
        if (!d.redelivered && first.length < 4) {
          first.push(d);
          return; // settled by the test, after the channel is gone
        }
        copies.push(d.job.id);
        inFlight++;
        most = Math.max(most, inFlight);
        while (holdNew) await sleep(20);
        inFlight--;
        await d.ack();
      },
      { prefetch: 4 },
    );
    const jobs = Array.from({ length: 4 }, () => makeJob({ queue: Q }));
    for (const j of jobs) await broker.publisher.publish(Q, j);
    await eventually(() => first.length === 4, 5000, 20);
    // The broker gives up on them: the channel closes and its deliveries come back as copies.
    await eventually(
      () => events.some((e) => e.type === 'consumer-error' && /timed out/.test(e.error)),
      15_000,
      50,
    );
    await eventually(() => copies.length === 4, 10_000, 20);
    // The first channel's deliveries settle now, late: nothing may reach the new channel.
    for (const d of first) await d.ack().catch(() => {});
    // 4 more: the new channel may hold 4 at a time, as the first one did.
    for (let i = 0; i < 4; i++) await broker.publisher.publish(Q, makeJob({ queue: Q }));
    await sleep(300);
    expect(most).toBe(4);
    holdNew = false;
    await eventually(() => copies.length === 8, 5000, 20);
    await sleep(300);
    const errors = events
      .filter((e) => e.type === 'consumer-error')
      .map((e) => (e as { error: string }).error);
    expect(errors.filter((e) => /unknown delivery tag/i.test(e))).toEqual([]);
    expect(errors).toHaveLength(1);
    const c = await amqp.connect(node.url);
    const ch = await c.createChannel();
    const q = await ch.checkQueue(Q);
    await c.close();
    expect(q.messageCount).toBe(0);
    expect(q.consumerCount).toBe(1);
  }, 60_000);
});
