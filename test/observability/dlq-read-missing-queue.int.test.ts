import { createAmqpBroker } from '@warren/amqp';
import { uuidv7 } from '@warren/core';
import { queueStatsFrom } from '@warren/observability';
import amqp from 'amqplib';
import { afterAll, expect, it } from 'vitest';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `obs-dlqread-${uuidv7().slice(-8)}`;

afterAll(async () => {
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [Q, `${Q}.dlq`]) await ch.deleteQueue(q);
  await conn.close();
});

// Each passive declare of a missing queue is a channel error (a line in RabbitMQ's log): a queue
// not declared yet (a config queue no job went to) must not cost a second one for its DLQ.
it("reads a queue's DLQ only when the queue exists", async () => {
  const broker = createAmqpBroker({ urls: [URL], queues: { [Q]: { type: 'classic' } }, healthIntervalMs: 0 });
  await broker.connect();
  const asked: string[] = [];
  // The real broker; only the names it is asked for are noted.
  const stats = queueStatsFrom({
    checkQueue: (name: string) => {
      asked.push(name);
      return broker.checkQueue(name);
    },
  })!;
  try {
    await expect(Promise.resolve(stats(`${Q}-missing`))).rejects.toThrow();
    expect(asked).toEqual([`${Q}-missing`]);
    const conn = await amqp.connect(URL);
    const ch = await conn.createChannel();
    // The broker declared the queue and its DLQ at connect (its topology).
    await ch.checkQueue(`${Q}.dlq`);
    ch.sendToQueue(`${Q}.dlq`, Buffer.from('x'));
    await ch.checkQueue(`${Q}.dlq`); // a round trip after the publish
    await conn.close();
    asked.length = 0;
    expect(await stats(Q)).toMatchObject({ messageCount: 0, deadLetters: 1 });
    expect(asked).toEqual([Q, `${Q}.dlq`]);
  } finally {
    await broker.close();
  }
});

// The queue's read may take most of the broker's 5 s bound; the DLQ's must not add another 5 s
// on top (the dashboard gives up at 10 s, warren status too).
it("answers without the DLQ's count when its read is late", async () => {
  const broker = createAmqpBroker({ urls: [URL], queues: { [Q]: { type: 'classic' } }, healthIntervalMs: 0 });
  await broker.connect();
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  // The real broker; the DLQ's answer held back until released (a broker stalling mid-read).
  const stats = queueStatsFrom(
    {
      checkQueue: async (name: string) => {
        const r = await broker.checkQueue(name);
        if (name.endsWith('.dlq')) await held;
        return r;
      },
    },
    undefined,
    50,
  )!;
  try {
    const s = await stats(Q);
    expect(s).toMatchObject({ messageCount: 0 });
    expect(s?.deadLetters).toBeUndefined();
  } finally {
    release();
    await broker.close();
  }
}, 5000);
