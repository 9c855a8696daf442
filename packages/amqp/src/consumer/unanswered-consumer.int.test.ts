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

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `unanswered-consumer-${FILE_ID}`;
const SHARED = 'amqp://guest:***@127.0.0.1:5672';

/** Two "nodes": a frame proxy in front of the shared node (first: round-robin starts there), then the node. */
describe('consumer-side waits on a node that stops answering (proxy in front of the shared node)', () => {
  let proxy: AmqpFrameProxy;
  let broker: AmqpBroker | undefined;
  let admin: amqp.ChannelModel;
  let ach: amqp.Channel;

  beforeAll(async () => {
    admin = await amqp.connect(URL);
    ach = await admin.createChannel();
  });
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    await proxy?.close();
  });
  afterAll(async () => {
    await ach.deleteQueue(Q).catch(() => {});
    await ach.deleteQueue(`${Q}.dlq`).catch(() => {});
    await admin.close();
  });

  const connected = async () => {
    proxy = await startAmqpFrameProxy();
    broker = createAmqpBroker({
      urls: [proxy.url, URL],
      strategy: 'round-robin',
      queues: { [Q]: { type: 'classic' } },
      delayTiersMs: [],
      healthIntervalMs: 0,
      connectTimeoutMs: 1000,
      backoffInitialMs: 50,
    });
    await broker.connect();
    expect(broker.currentNode()).toBe(`amqp://guest:***@127.0.0.1:${proxy.port}`);
    return broker;
  };

  it('peekDeadLetters is bounded (recoverable) and moves the connection to the next node', async () => {
    const b = await connected();
    silentAfterHandshake(proxy);
    const t0 = Date.now();
    // Before: waited for channel.open-ok forever.
    const err = await settle(b.peekDeadLetters(Q));
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).recoverable).toBe(true);
    await eventually(() => b.currentNode() === SHARED, 3000, 20);
    expect(await b.peekDeadLetters(Q)).toEqual([]);
  }, 20_000);

  it('a consumer restart (server-side cancel) on a silent node is bounded and fails over', async () => {
    const b = await connected();
    const seen: string[] = [];
    await b.consumer.consume(Q, async (d) => {
      seen.push(d.job.id);
      await d.ack();
    });
    silentAfterHandshake(proxy);
    // The queue goes: the broker cancels the consumer (server to client still flows), the
    // subscription restarts after 1 s on the same, now silent, connection.
    await ach.deleteQueue(Q);
    // Before: the restart waited for channel.open-ok forever; the connection never moved.
    await eventually(() => b.currentNode() === SHARED, 5000, 20);
    const job = makeJob({ queue: Q });
    await b.publisher.publish(Q, job);
    await eventually(() => seen.includes(job.id), 5000, 20);
  }, 20_000);

  it("a subscription's close() on a silent node is bounded", async () => {
    const b = await connected();
    const sub = await b.consumer.consume(Q, async (d) => {
      await d.ack();
    });
    silentAfterHandshake(proxy);
    const t0 = Date.now();
    // Before: waited for basic.cancel-ok, then channel.close-ok, forever (a worker's stop() hung).
    await sub.close();
    expect(Date.now() - t0).toBeLessThan(3000);
  }, 20_000);
});
