import { randomInt } from 'node:crypto';
import type { Subscription } from '@warren/core';
import { eventually, makeJob, sleep } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmqpEvent } from '../connection/events';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { type AmqpFrameProxy, startAmqpFrameProxy } from '../testing/amqp-frame-proxy';
import { dlqName } from '../topology/queue-arguments';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `close-restart-${FILE_ID}`;
const QUEUE_DECLARE = { classId: 50, methodId: 10 };

/**
 * A subscription closed (a worker stopping, or pausing while runaways hold its slots) while it is
 * starting again after a server-side cancel: the restart's consume must not outlive the close.
 */
describe('a subscription closed while its restart is under way (shared node, frame proxy)', () => {
  let proxy: AmqpFrameProxy;
  let broker: AmqpBroker;
  let admin: amqp.ChannelModel;
  const events: AmqpEvent[] = [];

  beforeAll(async () => {
    proxy = await startAmqpFrameProxy();
    admin = await amqp.connect(URL);
  });

  afterAll(async () => {
    await broker?.close().catch(() => {});
    await proxy?.close();
    const ch = await admin.createChannel();
    for (const q of [Q, dlqName(Q)]) await ch.deleteQueue(q).catch(() => {});
    await admin.close();
  });

  const consumers = async () => {
    const ch = await admin.createChannel();
    ch.on('error', () => {});
    const n = await ch.checkQueue(Q).then(
      (r) => r.consumerCount,
      () => undefined,
    );
    await ch.close().catch(() => {});
    return n;
  };

  it('leaves no consumer and hands the closed handler no delivery', async () => {
    broker = createAmqpBroker({
      urls: [proxy.url],
      queues: { [Q]: { type: 'classic' } },
      delayTiersMs: [1000],
      healthIntervalMs: 0,
      onEvent: (e) => events.push(e),
    });
    await broker.connect();
    let closed = false;
    const afterClose: string[] = [];
    const sub: Subscription = await broker.consumer.consume(Q, async (d) => {
      if (closed) afterClose.push(d.job.id);
      await d.ack();
    });
    let closing: Promise<void> | undefined;
    // The restart's declare on its way (1 s after the cancel): the subscription is closed then.
    proxy.drop = (f) => {
      if (
        !closing &&
        f.from === 'client' &&
        f.classId === QUEUE_DECLARE.classId &&
        f.methodId === QUEUE_DECLARE.methodId &&
        events.some((e) => e.type === 'consumer-error')
      ) {
        closed = true;
        closing = sub.close();
      }
      return false;
    };
    const ch = await admin.createChannel();
    await ch.deleteQueue(Q);
    await ch.close();
    await eventually(() => closing !== undefined, 10_000, 20);
    await closing;
    await sleep(500); // the restart's own steps, had they gone on
    // Before: the restart's consumer was there (1), and took the next job to the closed handler.
    expect(await consumers()).toBe(0);
    await broker.publisher.publish(Q, makeJob({ queue: Q }));
    await sleep(300);
    expect(afterClose).toEqual([]);
  }, 20_000);
});
