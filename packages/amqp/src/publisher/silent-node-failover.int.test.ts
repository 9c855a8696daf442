import { randomInt } from 'node:crypto';
import { TransportError } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AmqpEvent } from '../connection/events';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { type AmqpFrameProxy, settle, startAmqpFrameProxy } from '../testing/amqp-frame-proxy';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `silent-hot-${FILE_ID}`;

/**
 * Two "nodes": a frame proxy in front of the shared node (first, so round-robin starts there) and
 * the shared node itself. The proxy goes silent once the confirm channel is open and in use.
 */
describe('a node that goes silent while publishes are in flight (hot path)', () => {
  let proxy: AmqpFrameProxy;
  let broker: AmqpBroker | undefined;
  let admin: amqp.ChannelModel;
  let ach: amqp.Channel;
  const events: AmqpEvent[] = [];

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
    for (const q of [Q, `${Q}.dlq`]) await ach.deleteQueue(q).catch(() => {});
    await admin.close();
  });

  it('unanswered confirms fail over: the next publish goes to another node', async () => {
    proxy = await startAmqpFrameProxy();
    broker = createAmqpBroker({
      urls: [proxy.url, URL],
      strategy: 'round-robin',
      queues: { [Q]: { type: 'classic' } },
      delayTiersMs: [],
      healthIntervalMs: 0,
      connectTimeoutMs: 1000,
      backoffInitialMs: 50,
      onEvent: (e) => events.push(e),
    });
    await broker.connect();
    expect(broker.currentNode()).toBe(`amqp://guest:***@127.0.0.1:${proxy.port}`);
    await broker.publisher.publish(Q, makeJob({ queue: Q })); // channel open, queue declared: hot path
    // TCP alive, heartbeats flow, but nothing on the channels reaches the broker any more.
    proxy.drop = (f) => f.from === 'client' && f.channel > 0;
    const inFlight = [1, 2, 3].map(() =>
      settle(broker!.publisher.publish(Q, makeJob({ queue: Q }), { timeoutMs: 400 })),
    );
    for (const err of await Promise.all(inFlight)) {
      expect(err).toBeInstanceOf(TransportError);
      expect((err as TransportError).recoverable).toBe(true);
    }
    // Before: the connection stayed on the silent node and every later publish timed out too.
    await eventually(() => broker?.currentNode() === 'amqp://guest:***@127.0.0.1:5672', 3000, 20);
    expect(await settle(broker.publisher.publish(Q, makeJob({ queue: Q }), { timeoutMs: 2000 }))).toBe('ok');
    expect(events.some((e) => e.type === 'disconnected')).toBe(true);
  }, 20_000);
  it('leaves the silent node at once: no wait for a close it will not answer', async () => {
    proxy = await startAmqpFrameProxy();
    broker = createAmqpBroker({
      urls: [proxy.url, URL],
      strategy: 'round-robin',
      queues: { [Q]: { type: 'classic' } },
      delayTiersMs: [],
      healthIntervalMs: 0,
      // Also the bound on the connection's close: before, the failover waited it out.
      connectTimeoutMs: 30_000,
      backoffInitialMs: 50,
      onEvent: (e) => events.push(e),
    });
    await broker.connect();
    await broker.publisher.publish(Q, makeJob({ queue: Q }));
    // Nothing reaches the broker but heartbeats (type 8): the connection.close goes unanswered too.
    proxy.drop = (f) => f.from === 'client' && f.type !== 8;
    const err = await settle(broker.publisher.publish(Q, makeJob({ queue: Q }), { timeoutMs: 400 }));
    expect((err as TransportError).recoverable).toBe(true);
    // Before: on the silent node until the unanswered connection.close timed out (30 s here).
    await eventually(() => broker?.currentNode() === 'amqp://guest:***@127.0.0.1:5672', 8000, 20);
    expect(await settle(broker.publisher.publish(Q, makeJob({ queue: Q }), { timeoutMs: 2000 }))).toBe('ok');
  }, 20_000);
});
