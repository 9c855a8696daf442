import type { Delivery } from '@warren/core';
import { eventually, makeJob, sleep } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueLeader } from '../../../../test/support/rabbit-info';
import { RabbitHarness, type RabbitNode } from '../../../../test/support/rabbit-nodes';
import type { AmqpEvent } from '../connection/events';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';

const Q = `qlead-${process.pid}`;

/**
 * A quorum queue's leader moves to another node while a worker consumes it (an operator removes
 * the leader's member, as `rabbitmq-queues delete_member` / a rebalance does): deliveries go on
 * through the consumer's channel, none is lost, none stays unacked.
 */
describe('a quorum queue leader moving while consuming (3-node cluster)', () => {
  const harness = new RabbitHarness();
  let nodes: RabbitNode[] = [];
  let broker: AmqpBroker | undefined;
  const events: AmqpEvent[] = [];

  beforeAll(async () => {
    nodes = await harness.startCluster([
      { name: 'warren-qlead-a', port: 26121 },
      { name: 'warren-qlead-b', port: 26122 },
      { name: 'warren-qlead-c', port: 26123 },
    ]);
  }, 240_000);

  afterAll(async () => {
    await broker?.close().catch(() => {});
    await harness.stopAll();
  }, 120_000);

  const leader = () => queueLeader(nodes[1]!, Q);

  it('keeps consuming every job once, with nothing left unacked', async () => {
    const [a] = nodes as [RabbitNode];
    broker = createAmqpBroker({
      urls: [a.url],
      queues: { [Q]: { type: 'quorum' } },
      delayTiersMs: [1000],
      healthIntervalMs: 0,
      onEvent: (e) => events.push(e),
    });
    await broker.connect();
    const got: string[] = [];
    const redelivered: string[] = [];
    // The first 8 deliveries are held unacked across the leader change, then acked.
    let gate: () => void = () => {};
    const held = new Promise<void>((r) => {
      gate = r;
    });
    const sub = await broker.consumer.consume(
      Q,
      async (d: Delivery) => {
        got.push(d.job.id);
        if (d.redelivered) redelivered.push(d.job.id);
        if (got.length <= 8) await held;
        await sleep(5);
        await d.ack();
      },
      { prefetch: 8 },
    );
    const ids: string[] = [];
    const publish = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const job = makeJob({ queue: Q });
        await broker!.publisher.publish(Q, job);
        ids.push(job.id);
      }
    };
    await publish(100);
    const before = await leader();
    expect(before).toBe(a.node);
    // Removing the leader's member makes it step down: another node's member is elected.
    // What `rabbitmq-queues delete_member` calls, through erl_call: no CLI VM (~1 CPU-s).
    expect(await a.erl(`rabbit_quorum_queue:delete_member(<<"/">>, <<"${Q}">>, '${a.node}')`)).toBe('ok');
    await publish(100);
    await eventually(async () => (await leader()) !== before && (await leader()) !== '', 20_000, 200);
    const after = await leader();
    gate();
    await publish(100);
    await eventually(() => ids.every((id) => got.includes(id)), 20_000, 100);
    await sub.close();
    const c = await amqp.connect(a.url);
    const ch = await c.createChannel();
    const left = (await ch.checkQueue(Q)).messageCount;
    await ch.deleteQueue(Q).catch(() => {});
    await c.close();
    const errors = events.filter((e) => e.type === 'consumer-error');
    expect(after).not.toBe(before);
    expect(redelivered).toEqual([]);
    expect(errors).toEqual([]);
    expect(left).toBe(0);
    expect(new Set(got).size).toBe(ids.length);
    expect(got.length).toBe(ids.length);
  }, 90_000);
});
