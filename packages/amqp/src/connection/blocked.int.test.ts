import { TransportError } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setMemoryWatermark } from '../../../../test/support/rabbit-info';
import { RabbitHarness, type RabbitNode } from '../../../../test/support/rabbit-nodes';
import { untilUnhealthy } from '../../../../test/support/until-unhealthy';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import type { AmqpEvent } from './events';

const Q = `blocked-${process.pid}`;

/** An extra node (never the shared :5672) under a memory alarm: RabbitMQ blocks publishing connections. */
describe('a blocked connection (memory alarm)', () => {
  const harness = new RabbitHarness();
  let node: RabbitNode;
  let broker: AmqpBroker;
  const events: AmqpEvent[] = [];

  beforeAll(async () => {
    [node] = (await harness.start([{ name: 'warren-amqp-blocked', port: 26041 }])) as [RabbitNode];
    broker = createAmqpBroker({
      urls: [node.url],
      queues: { [Q]: { type: 'classic' } },
      delayTiersMs: [250],
      delayTierType: 'classic',
      healthIntervalMs: 0,
      confirmTimeoutMs: 2000,
      onEvent: (e) => events.push(e),
    });
    await broker.connect();
  }, 180_000);

  afterAll(async () => {
    await broker?.close().catch(() => {});
    await harness.stopAll();
  }, 120_000);

  const inQueue = async () => {
    const c = await amqp.connect(node.url);
    try {
      return (await (await c.createChannel()).checkQueue(Q)).messageCount;
    } finally {
      await c.close();
    }
  };

  it('rejects publishes at once (recoverable, nothing written) and reports the node unhealthy', async () => {
    await broker.publisher.publish(Q, makeJob({ queue: Q }));
    await setMemoryWatermark(node, '{absolute, "1MB"}');
    // RabbitMQ says a connection is blocked only once it publishes: the health check pokes it.
    await untilUnhealthy(broker);
    expect(events.some((e) => e.type === 'blocked')).toBe(true);

    const t0 = Date.now();
    const err = await broker.publisher.publish(Q, makeJob({ queue: Q })).catch((e: unknown) => e);
    // Before: written to the blocked socket, failed after the confirm timeout, landed on unblock.
    expect(Date.now() - t0).toBeLessThan(500);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).recoverable).toBe(true);
    expect((err as Error).message).toMatch(/broker blocked: .*memory/);

    await setMemoryWatermark(node, '{absolute, "1GB"}');
    await eventually(() => events.some((e) => e.type === 'unblocked'), 20_000, 100);
    expect(await inQueue()).toBe(1);
    await broker.publisher.publish(Q, makeJob({ queue: Q }));
    await broker.checkHealth();
    expect(broker.nodes()[0]!.healthy).toBe(true);
  }, 60_000);
});
