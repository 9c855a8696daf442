import { makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitHarness, type RabbitNode } from '../../../../test/support/rabbit-nodes';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { DUE_EXCHANGE, PARKED_DELAYS_QUEUE } from './delay-tiers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Parts of the delay topology deleted by hand while warren runs (a private node: the due exchange
 * and the parking queue are shared by every process of a broker).
 */
describe('the delay topology deleted in part under a running broker (private node)', () => {
  const harness = new RabbitHarness();
  let node: RabbitNode;
  let admin: amqp.ChannelModel;
  let ch: amqp.Channel;
  const brokers: AmqpBroker[] = [];

  beforeAll(async () => {
    [node] = (await harness.start([{ name: 'warren-amqp-delaycheck', port: 26531 }])) as [RabbitNode];
    admin = await amqp.connect(node.url);
    ch = await admin.createChannel();
  }, 180_000);

  afterAll(async () => {
    for (const b of brokers) await b.close().catch(() => {});
    await admin?.close().catch(() => {});
    await harness.stopAll();
  }, 120_000);

  const make = async (tierType: 'quorum' | 'classic', tierMs: number, topologyCheckMs = 300) => {
    const b = createAmqpBroker({
      urls: [node.url],
      healthIntervalMs: 0,
      delayTiersMs: [tierMs],
      delayTierType: tierType,
      topologyCheckMs,
    });
    brokers.push(b);
    await b.connect();
    return b;
  };
  // A channel per look: a 404 (the queue not there yet) closes it.
  const count = async (q: string) => {
    const c = await admin.createChannel();
    c.on('error', () => {});
    try {
      return (await c.checkQueue(q)).messageCount;
    } finally {
      await c.close().catch(() => {});
    }
  };

  it('the parking queue deleted: declared again, so a delay of a deleted queue is parked, not stuck', async () => {
    const broker = await make('quorum', 1000);
    await broker.ensureQueue('gone');
    await ch.deleteQueue(PARKED_DELAYS_QUEUE); // an operator discards the parked jobs
    await sleep(1000);
    await broker.publisher.publish('gone', makeJob({ queue: 'gone' }), { delayMs: 1000 });
    await ch.deleteQueue('gone');
    // Before: no parking queue until a reconnect; the delay stayed in the tier (at-least-once
    // dead-lettering retries it), and ~32 such stopped the tier for every queue again.
    const t0 = Date.now();
    while (Date.now() - t0 < 8000 && (await count(PARKED_DELAYS_QUEUE).catch(() => 0)) < 1) await sleep(200);
    expect(await count(PARKED_DELAYS_QUEUE)).toBe(1);
    await ch.purgeQueue(PARKED_DELAYS_QUEUE);
  }, 30_000);

  it('the due exchange deleted: declared again with its bindings; a classic tier no longer drops the delay', async () => {
    const broker = await make('classic', 1500);
    await broker.ensureQueue('alive');
    await ch.deleteExchange(DUE_EXCHANGE); // and with it every queue's binding
    await sleep(1000);
    await broker.publisher.publish('alive', makeJob({ queue: 'alive' }), { delayMs: 1500 });
    // Before: dead-lettered to a missing exchange, at most once: dropped (nothing in the tier).
    const t0 = Date.now();
    while (Date.now() - t0 < 8000 && (await count('alive')) < 1) await sleep(200);
    expect(await count('alive')).toBe(1);
  }, 30_000);

  it('a parking queue of the other queue type does not keep the due exchange from being declared', async () => {
    for (const b of brokers.splice(0)) await b.close();
    // The earlier brokers (quorum, classic) left a quorum parking queue; delete it and the due
    // exchange, and let a classic-tier process declare the parking queue as classic.
    await (await make('classic', 1500, 0)).close();
    brokers.length = 0;
    await ch.deleteQueue(PARKED_DELAYS_QUEUE);
    await ch.deleteExchange(DUE_EXCHANGE);
    await (await make('classic', 1500, 0)).close();
    brokers.length = 0;
    await ch.deleteExchange(DUE_EXCHANGE); // and the due exchange is gone again
    // A quorum-tier process connects: the parking queue refuses it (406, reported).
    const broker = await make('quorum', 1000, 0);
    await broker.ensureQueue('alive3');
    // Before: the due exchange was declared after the parking queue, so not at all.
    const c = await admin.createChannel();
    c.on('error', () => {});
    expect(
      await c.checkExchange(DUE_EXCHANGE).then(
        () => 'there',
        (e: Error) => e.message,
      ),
    ).toBe('there');
    await c.close().catch(() => {});
  }, 30_000);
});
