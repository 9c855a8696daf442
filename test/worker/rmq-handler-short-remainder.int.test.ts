import { randomInt } from 'node:crypto';
import { type AmqpBroker, createAmqpBroker, tierName } from '@warren/amqp';
import { type ExecutionEvent, uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker, rmqMessages } from '@warren/worker';
import amqplib, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amqpRmqSink } from '../../stacks/functions/rmq-worker';
import { takeAsRmqEvent } from './support/rmq-event-source';
import { jobFor, workerTestConfig } from './support/tasks';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const RUN = `h63rmq-${uuidv7().slice(-8)}`;
const Q = `${RUN}.jobs`;
// A tier length unique to this run: the tier is ours alone on the shared broker.
const TIER = 600 + (FILE_ID % 97);
const ctx = { getRemainingTimeInMillis: () => 60_000 };
let broker: AmqpBroker;
let conn: ChannelModel;
let ch: Channel;
const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });

beforeAll(async () => {
  broker = createAmqpBroker({ urls: [AMQP], queues: { [Q]: {} }, delayTiersMs: [TIER], healthIntervalMs: 0 });
  await broker.connect();
  await broker.ensureQueue(Q);
  conn = await amqplib.connect(AMQP);
  ch = await conn.createChannel();
});
afterAll(async () => {
  for (const q of [Q, `${Q}.dlq`, tierName(TIER)]) await ch?.deleteQueue(q).catch(() => {});
  await ch?.deleteExchange(tierName(TIER)).catch(() => {});
  await conn?.close().catch(() => {});
  await broker?.close();
  await results.close();
});

/**
 * The Amazon MQ handler given a message back from its tier with less than the smallest default
 * tier (250 ms) left: sent through a tier again for it, the job ran a tier (plus the event
 * source's batching) late.
 */
describe('worker.rmqHandler with a delayed job nearly due', () => {
  it('runs it when due in this invocation instead of sending it round a tier again', async () => {
    const events: (ExecutionEvent & { at: number })[] = [];
    const worker = createWorker({
      config: workerTestConfig(),
      results,
      publisher: broker.publisher,
      rmq: amqpRmqSink(broker),
      onEvent: (e) => events.push({ ...e, at: Date.now() }),
    });
    // Back from the tier early (200 ms left), as the test needs. On a loaded machine the tier's
    // expiry and the take can eat those 200 ms: such a copy (taken off, noAck) proves nothing,
    // so the job is sent again, up to 5 times.
    let job: ReturnType<typeof jobFor>;
    let event: Awaited<ReturnType<typeof takeAsRmqEvent>>;
    let due: number;
    let tries = 0;
    do {
      job = jobFor('w.add', Q, { a: 2, b: 2 });
      await broker.publisher.publish(Q, job, { delayMs: TIER + 200 });
      event = await eventually(() => takeAsRmqEvent(ch, Q), 10_000);
      due = amqpRmqSink(broker).dueAt(rmqMessages(event)[0]!)!;
    } while (due <= Date.now() && ++tries < 5);
    expect(due).toBeGreaterThan(Date.now());
    await worker.rmqHandler(event, ctx);
    expect((await results.get(job.id))?.result).toBe(4);
    const started = events.find((e) => e.type === 'started' && e.job.id === job.id);
    expect(started!.at).toBeGreaterThanOrEqual(due);
    expect((await broker.checkQueue(tierName(TIER))).messageCount).toBe(0);
  }, 40_000);
});
