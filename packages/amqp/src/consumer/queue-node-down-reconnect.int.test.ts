import type { Delivery } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitHarness, type RabbitNode } from '../../../../test/support/rabbit-nodes';
import type { AmqpEvent } from '../connection/events';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { deadLetterQueueArguments, dlqName, workQueueArguments } from '../topology/queue-arguments';

const ON_B = `qdown-b-${process.pid}`;
const ON_A = `qdown-a-${process.pid}`;

/**
 * A worker consuming two classic queues in a 2-node cluster, one of them homed on the node that
 * goes down (its consume is refused 404 'down or inaccessible' until that node is back). A
 * reconnection meanwhile (a network blip, the node restarted) must not cost the other queue, nor
 * the publisher: the refused consume is that queue's trouble, not the connection's.
 */
describe('reconnecting while a consumed queue is on a node that is down (2-node cluster)', () => {
  const harness = new RabbitHarness();
  let a: RabbitNode;
  let b: RabbitNode;
  let broker: AmqpBroker | undefined;
  const events: AmqpEvent[] = [];

  beforeAll(async () => {
    [a, b] = (await harness.startCluster([
      { name: 'warren-qdown-a', port: 26141 },
      { name: 'warren-qdown-b', port: 26142 },
    ])) as [RabbitNode, RabbitNode];
    // ON_B lives on b: declared there first, with the arguments warren declares it with.
    const c = await amqp.connect(b.url);
    const ch = await c.createChannel();
    await ch.assertQueue(dlqName(ON_B), {
      durable: true,
      arguments: deadLetterQueueArguments({ type: 'classic' }),
    });
    await ch.assertQueue(ON_B, { durable: true, arguments: workQueueArguments(ON_B, { type: 'classic' }) });
    await c.close();
  }, 240_000);

  afterAll(async () => {
    await broker?.close().catch(() => {});
    await harness.stopAll();
  }, 120_000);

  it('keeps consuming the other queue and publishing after the reconnection', async () => {
    broker = createAmqpBroker({
      urls: [a.url],
      queues: { [ON_B]: { type: 'classic' }, [ON_A]: { type: 'classic' } },
      delayTiersMs: [1000],
      delayTierType: 'classic',
      healthIntervalMs: 0,
      backoffInitialMs: 100,
      onEvent: (e) => events.push(e),
    });
    await broker.connect();
    const got: string[] = [];
    const onDelivery = async (d: Delivery) => {
      got.push(d.job.id);
      await d.ack();
    };
    await broker.consumer.consume(ON_B, onDelivery);
    await broker.consumer.consume(ON_A, onDelivery);
    const before = makeJob({ queue: ON_A });
    await broker.publisher.publish(ON_A, before);
    await eventually(() => got.includes(before.id), 5000, 20);

    await b.kill();
    // The broker cancels ON_B's consumer; its restarts are refused while b is down.
    await eventually(() => events.some((e) => e.type === 'consumer-error' && e.queue === ON_B), 20_000, 50);
    const connects = events.filter((e) => e.type === 'connected').length;
    await a.erl('rabbit_networking:close_all_connections("probe: a network blip")'); // rabbitmqctl close_all_connections
    await eventually(() => events.some((e) => e.type === 'disconnected'), 5000, 20);
    // Before: every connect failed in the consumer hook ('consume ON_B: ... 404 ... down or
    // inaccessible'): no consumer and no publisher on any queue until b came back.
    await eventually(() => events.filter((e) => e.type === 'connected').length > connects, 15_000, 50).catch(
      (err) => {
        console.log(events.filter((e) => e.type === 'connect-failed').slice(0, 2));
        throw err;
      },
    );
    const after = makeJob({ queue: ON_A });
    await broker.publisher.publish(ON_A, after);
    await eventually(() => got.includes(after.id), 5000, 20);
    // ON_B's own trouble is said, with its retries.
    expect(
      events.some(
        (e) => e.type === 'consumer-error' && e.queue === ON_B && /down or inaccessible/.test(e.error),
      ),
    ).toBe(true);
    // b back: ON_B is consumed again by the subscription's own retries (1, 2, 4... s apart).
    await b.start();
    const onB = makeJob({ queue: ON_B });
    await eventually(
      async () => {
        await broker!.publisher.publish(ON_B, onB).catch(() => {});
        return got.includes(onB.id);
      },
      40_000,
      1000,
    );
  }, 120_000);
});
