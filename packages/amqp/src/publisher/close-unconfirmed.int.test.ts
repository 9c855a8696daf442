import { randomInt } from 'node:crypto';
import { TransportError } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { type AmqpFrameProxy, settle, startAmqpFrameProxy } from '../testing/amqp-frame-proxy';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `close-unconfirmed-${FILE_ID}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('broker.close() with a publish whose confirm never comes (proxy in front of the shared node)', () => {
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
    for (const q of [Q, `${Q}.dlq`]) await ach.deleteQueue(q).catch(() => {});
    await admin.close();
  });

  const connected = async () => {
    proxy = await startAmqpFrameProxy();
    // Defaults on purpose: confirmTimeoutMs and connectTimeoutMs 5 s.
    broker = createAmqpBroker({
      urls: [proxy.url],
      queues: { [Q]: { type: 'classic' } },
      delayTiersMs: [],
      healthIntervalMs: 0,
    });
    await broker.connect();
    await broker.publisher.publish(Q, makeJob({ queue: Q }));
    return broker;
  };

  /** Closes, and reports how long it took and how the publish in flight ended. */
  const closeWithPublishInFlight = async (b: AmqpBroker) => {
    const inFlight = settle(b.publisher.publish(Q, makeJob({ queue: Q })));
    await sleep(100); // written and arrived: only its confirm is missing
    const t0 = Date.now();
    await b.close();
    const ms = Date.now() - t0;
    broker = undefined;
    return { ms, err: await inFlight };
  };

  it('a healthy node: close still waits for the confirms in flight (none failed)', async () => {
    const b = await connected();
    const inFlight = Array.from({ length: 500 }, () => settle(b.publisher.publish(Q, makeJob({ queue: Q }))));
    await b.close();
    broker = undefined;
    expect(new Set(await Promise.all(inFlight))).toEqual(new Set(['ok']));
  }, 20_000);

  it('a lost confirm: close settles promptly and the publish fails (recoverable), not dropped', async () => {
    const b = await connected();
    proxy.drop = (f) => f.from === 'server' && f.classId === 60 && f.methodId === 80; // basic.ack
    const { ms, err } = await closeWithPublishInFlight(b);
    // Before: close waited the fixed 5 s for the confirm.
    expect(ms).toBeLessThan(1500);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).recoverable).toBe(true);
  }, 20_000);

  it('a node that went silent: close is bounded too (no wait on an unanswered channel close)', async () => {
    const b = await connected();
    proxy.drop = (f) => f.from === 'client' && f.channel > 0;
    const { ms, err } = await closeWithPublishInFlight(b);
    // Before: 5 s for the confirms, then 5 s for the channel's close-ok.
    expect(ms).toBeLessThan(1500);
    expect((err as TransportError).recoverable).toBe(true);
  }, 30_000);
});
