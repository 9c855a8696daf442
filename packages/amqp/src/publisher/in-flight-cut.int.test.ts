import { randomInt } from 'node:crypto';
import { makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { type AmqpFrameProxy, startAmqpFrameProxy } from '../testing/amqp-frame-proxy';
import { dlqName } from '../topology/queue-arguments';

// Names this file's queues apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `in-flight-cut-${FILE_ID}`;

/**
 * Hundreds of publishes in flight when the connection is cut (frame proxy in front of the shared
 * node), the publisher reconnecting and going on: each publish settles exactly once, and every
 * one that resolved (confirmed) is in the queue afterwards. Probed with no defect found.
 */
describe('publishes in flight when the connection is cut (frame proxy, shared node)', () => {
  let proxy: AmqpFrameProxy;
  let broker: AmqpBroker;
  let admin: amqp.ChannelModel;

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

  it('each settles once, as confirmed or as a recoverable error; no confirmed one is lost', async () => {
    broker = createAmqpBroker({
      urls: [proxy.url],
      queues: { [Q]: { type: 'quorum' } },
      delayTiersMs: [],
      healthIntervalMs: 0,
      maxInFlight: 200,
      waitForConnectionMs: 2000,
    });
    await broker.connect();
    const outcomes = new Map<string, string[]>();
    const all: Promise<unknown>[] = [];
    for (let round = 0; round < 40; round++) {
      for (let k = 0; k < 40; k++) {
        const job = makeJob({ queue: Q });
        const seen: string[] = [];
        outcomes.set(job.id, seen);
        all.push(
          broker.publisher.publish(Q, job, { timeoutMs: 5000 }).then(
            () => seen.push('confirmed'),
            (e: { recoverable?: boolean }) => seen.push(e.recoverable ? 'recoverable' : 'fatal'),
          ),
        );
      }
      if (round === 10) proxy.cut(); // mid-stream: some confirmed, some written, some waiting
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(all);
    const seen = [...outcomes.values()];
    expect(seen.every((s) => s.length === 1)).toBe(true);
    expect(seen.filter((s) => s[0] === 'fatal')).toEqual([]);
    const confirmed = new Set([...outcomes].filter(([, s]) => s[0] === 'confirmed').map(([id]) => id));
    expect(confirmed.size).toBeGreaterThan(0);
    expect(seen.some((s) => s[0] === 'recoverable')).toBe(true); // the cut did catch some in flight

    // Every confirmed id is in the queue (unconfirmed ones may be too: the caller resends those).
    const ch = await admin.createChannel();
    const inQueue = new Set<string>();
    for (;;) {
      const m = await ch.get(Q, { noAck: true });
      if (!m) break;
      inQueue.add(String(m.properties.messageId));
    }
    await ch.close();
    expect([...confirmed].filter((id) => !inQueue.has(id))).toEqual([]);
  });
});
