import { parseEnvelope, uuidv7 } from '@warren/core';
import { eventually, sleep } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { amqpRmqSink } from '../../stacks/functions/rmq-worker';
import { amqpQueue } from './support/amqp-queue';
import { takeAsRmqEvent } from './support/rmq-event-source';
import { workerTestConfig } from './support/tasks';

const RUN = `wrdt-${uuidv7().slice(-8)}`;
const Q = `${RUN}.jobs`;
const amqp = amqpQueue(Q);
const ctx = { getRemainingTimeInMillis: () => 60_000 };
const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });

afterAll(async () => {
  await results.close();
});

describe('worker.rmqHandler with a decode that throws', () => {
  it('dead-letters the message with the reason, as the amqp consumer does, instead of handing it back for ever', async () => {
    // A per-queue codec of the app's own that throws on a body it cannot read.
    const decode = (m: { content: Buffer }) => {
      if (m.content.toString() === 'not-msgpack') throw new Error('msgpack: unexpected byte 0x6e');
      return parseEnvelope(m.content);
    };
    await amqp.broker.publishRaw(Q, 'not-msgpack', { contentType: 'application/x-msgpack' });
    const event = await eventually(() => takeAsRmqEvent(amqp.ch, Q));
    const worker = createWorker({
      config: workerTestConfig(),
      results,
      publisher: amqp.broker.publisher,
      rmq: amqpRmqSink(amqp.broker),
      decode,
    });
    await worker.rmqHandler(event, ctx);
    const dead = await eventually(async () => {
      const d = await amqp.broker.peekDeadLetters(Q);
      return d.length ? d : undefined;
    }, 5000).catch(() => []);
    await sleep(2500); // a hand-back comes back to the queue after 2 s
    const back = (await amqp.ch.checkQueue(Q)).messageCount;
    expect({ dead: dead.map((d) => d.reason), back }).toEqual({
      dead: [expect.stringMatching(/decode failed: msgpack: unexpected byte 0x6e/)],
      back: 0,
    });
  }, 30_000);
});
