import { randomInt } from 'node:crypto';
import type { TransportError } from '@warren/core';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { type AmqpFrameProxy, settle, startAmqpFrameProxy } from '../testing/amqp-frame-proxy';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `returned-id-${FILE_ID}`;

describe('a basic.return whose confirm never arrives (proxy in front of the shared node)', () => {
  let proxy: AmqpFrameProxy;
  let broker: AmqpBroker;
  let admin: amqp.ChannelModel;
  let ach: amqp.Channel;

  beforeAll(async () => {
    admin = await amqp.connect(URL);
    ach = await admin.createChannel();
    proxy = await startAmqpFrameProxy();
    broker = createAmqpBroker({ urls: [proxy.url], healthIntervalMs: 0, delayTiersMs: [] });
    await broker.connect();
  });
  afterAll(async () => {
    await broker.close();
    await proxy.close();
    await ach.deleteQueue(Q).catch(() => {});
    await admin.close();
  });

  it('forgets the returned id once its publish failed: a later publish of the same id is not "unroutable"', async () => {
    let returned = false;
    // The confirm that follows a basic.return is lost: the publish fails on its timeout.
    proxy.drop = (f) => {
      if (f.from !== 'server' || f.classId !== 60) return false;
      if (f.methodId === 50) returned = true;
      return returned && f.methodId === 80;
    };
    const id = `ret-${FILE_ID}`;
    const first = await settle(
      broker.publishRaw(Q, 'x', { messageId: id }, { declare: false, timeoutMs: 300 }),
    );
    expect((first as TransportError).recoverable).toBe(true);
    proxy.drop = () => false;
    await ach.assertQueue(Q, { durable: false });
    // The caller retries the same message (same id) now that the queue exists.
    // Before: the stale id in `returned` failed it as unroutable (not recoverable), although it landed.
    expect(await settle(broker.publishRaw(Q, 'x', { messageId: id }, { declare: false }))).toBe('ok');
    expect((await ach.checkQueue(Q)).messageCount).toBe(1);
  });
});
