import { createAmqpBroker } from '@warren/amqp';
import { uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqplib from 'amqplib';
import { expect, it } from 'vitest';
import { amqpRmqSink } from '../../stacks/functions/rmq-worker';
import { takeAsRmqEvent } from './support/rmq-event-source';
import { workerTestConfig } from './support/tasks';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';

// A double header below -2^63 (-1e19 from a foreign producer) is one amqplib guesses an int64
// and cannot write back: the sink's dead-letter copy and its hand-back both failed, so the
// invocation threw and Lambda redelivered the whole batch, for ever.
it('a poison message with a header amqplib cannot write back is dead-lettered; the batch does not fail', async () => {
  const q = `h61-rmqh-${uuidv7().slice(-8)}.jobs`;
  const broker = createAmqpBroker({ urls: [AMQP], queues: { [q]: {} }, healthIntervalMs: 0 });
  await broker.connect();
  await broker.ensureQueue(q);
  const conn = await amqplib.connect(AMQP);
  const ch = await conn.createChannel();
  const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${q}:` });
  try {
    await broker.publishRaw(q, 'not json', {
      contentType: 'application/json',
      messageId: 'poison-odd-header',
      headers: { 'x-neg': { '!': 'double', value: -1e19 } },
    });
    const event = await eventually(() => takeAsRmqEvent(ch, q));
    const worker = createWorker({
      config: workerTestConfig(),
      results,
      publisher: broker.publisher,
      rmq: amqpRmqSink(broker),
    });
    await worker.rmqHandler(event, { getRemainingTimeInMillis: () => 60_000 });
    const dead = await eventually(async () => {
      const d = await broker.peekDeadLetters(q);
      return d.length === 1 ? d : undefined;
    });
    expect(dead[0]!.reason).toMatch(/^body is not JSON/);
  } finally {
    await ch.deleteQueue(q).catch(() => {});
    await ch.deleteQueue(`${q}.dlq`).catch(() => {});
    await conn.close();
    await broker.close();
    await results.close();
  }
}, 30_000);
