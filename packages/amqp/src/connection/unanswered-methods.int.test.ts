import { randomInt } from 'node:crypto';
import { TransportError } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import {
  type AmqpFrameProxy,
  settle,
  silentAfterHandshake,
  startAmqpFrameProxy,
} from '../testing/amqp-frame-proxy';
import { tierName } from '../topology/delay-tiers';
import type { AmqpEvent } from './events';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `unanswered-${FILE_ID}`;
const TIER = 800_000 + (FILE_ID % 90_000);

describe('a broker that stops answering after the handshake (proxy in front of the shared node)', () => {
  let proxy: AmqpFrameProxy;
  let broker: AmqpBroker | undefined;
  let admin: amqp.ChannelModel;
  let ach: amqp.Channel;
  const events: AmqpEvent[] = [];
  const make = (urls: string[], extra: Partial<Parameters<typeof createAmqpBroker>[0]> = {}) =>
    createAmqpBroker({
      urls,
      queues: { [Q]: { type: 'classic' } },
      delayTiersMs: [TIER],
      delayTierType: 'classic',
      healthIntervalMs: 0,
      connectTimeoutMs: 1000,
      confirmTimeoutMs: 1000,
      backoffInitialMs: 50,
      onEvent: (e) => events.push(e),
      ...extra,
    });

  beforeAll(async () => {
    admin = await amqp.connect(URL);
    ach = await admin.createChannel();
  });
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    await proxy?.close();
    events.length = 0;
  });
  afterAll(async () => {
    for (const q of [Q, `${Q}.dlq`, `${Q}-late`, `${Q}-late.dlq`, tierName(TIER)])
      await ach.deleteQueue(q).catch(() => {});
    await ach.deleteExchange(tierName(TIER)).catch(() => {});
    await admin.close();
  });

  it('fails the connect (recoverable) within its timeout and moves on to the next node', async () => {
    proxy = await startAmqpFrameProxy();
    silentAfterHandshake(proxy);
    broker = make([proxy.url, URL], { strategy: 'round-robin' });
    const t0 = Date.now();
    // Before: the topology hook waited forever for channel.open-ok; connect() never settled.
    await broker.connect();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(broker.currentNode()).toContain(':5672');
    expect(events.some((e) => e.type === 'connect-failed' && /timed out/.test(e.error))).toBe(true);
    await broker.publisher.publish(Q, makeJob({ queue: Q }));
  }, 15_000);

  it('rejects a single-node connect with a recoverable error and keeps retrying', async () => {
    proxy = await startAmqpFrameProxy();
    silentAfterHandshake(proxy);
    broker = make([proxy.url]);
    const err = await settle(broker.connect());
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).recoverable).toBe(true);
    // The broker answers again: the background retry gets through.
    proxy.drop = () => false;
    await eventually(() => broker?.currentNode() !== undefined, 8000, 50);
    await broker.publisher.publish(Q, makeJob({ queue: Q }));
  }, 15_000);

  it('bounds a publish that must declare its queue by its timeoutMs (recoverable)', async () => {
    proxy = await startAmqpFrameProxy();
    broker = make([proxy.url]);
    await broker.connect();
    silentAfterHandshake(proxy);
    const t0 = Date.now();
    // Before: topology.ensure() waited forever for the declare; the publish never settled.
    const err = await settle(
      broker.publisher.publish(`${Q}-late`, makeJob({ queue: `${Q}-late` }), { timeoutMs: 500 }),
    );
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).recoverable).toBe(true);
  }, 15_000);
});
