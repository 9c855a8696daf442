import net from 'node:net';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqplib, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { amqpRmqSink } from '../../stacks/functions/rmq-worker';
import { takeAsRmqEvent } from './support/rmq-event-source';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const RUN = `wlost-${uuidv7().slice(-8)}`;
const Q = `${RUN}.jobs`;
const ctx = { getRemainingTimeInMillis: () => 60_000 };

/**
 * A front to the real Redis that, once armed, holds back the reply to the next command that moves
 * a job to `running` (Redis runs it at once) past the client's command timeout: the reply is lost.
 * With `downMs`, it then cuts every connection and refuses new ones for that long.
 */
function replyLosingFront() {
  const sockets = new Set<net.Socket>();
  const front = {
    port: 0,
    armed: false,
    downMs: 0,
    downUntil: 0,
    server: undefined as net.Server | undefined,
  };
  front.server = net.createServer((client) => {
    if (Date.now() < front.downUntil) return client.destroy();
    const redis = net.connect({ port: 6379, host: '127.0.0.1' });
    sockets.add(client).add(redis);
    let holdNext = false;
    client.on('data', (chunk) => {
      if (Date.now() < front.downUntil) return client.destroy();
      if (front.armed && chunk.includes('running')) {
        front.armed = false;
        holdNext = true;
        if (front.downMs > 0) {
          front.downUntil = Date.now() + front.downMs;
          setTimeout(() => {
            for (const s of sockets) s.destroy();
          }, 600);
        }
      }
      redis.write(chunk);
    });
    redis.on('data', (chunk) => {
      if (!holdNext) return client.writable && client.write(chunk);
      holdNext = false;
      setTimeout(() => client.writable && client.write(chunk), 1500);
    });
    for (const [a, b] of [
      [client, redis],
      [redis, client],
    ] as const) {
      a.on('close', () => b.destroy());
      a.on('error', () => b.destroy());
    }
  });
  const close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      front.server!.close(() => r());
    });
  return new Promise<typeof front & { close: typeof close }>((resolve) =>
    front.server!.listen(0, '127.0.0.1', () => {
      front.port = (front.server!.address() as net.AddressInfo).port;
      resolve(Object.assign(front, { close }));
    }),
  );
}

let front: Awaited<ReturnType<typeof replyLosingFront>>;
let broker: AmqpBroker;
let conn: ChannelModel;
let ch: Channel;
let results: ReturnType<typeof createRedisResultStore>;
let runs = 0;

const config = defineConfig({
  tasks: [
    defineTask({
      name: 'lost.add',
      input: z.object({ a: z.number(), b: z.number() }),
      timeoutMs: 1000,
      handler: ({ a, b }) => {
        runs++;
        return a + b;
      },
    }),
  ],
  worker: { concurrency: 2, leaseMarginMs: 1000 },
});

beforeAll(async () => {
  front = await replyLosingFront();
  results = createRedisResultStore({
    redis: `redis://127.0.0.1:${front.port}`,
    prefix: `${RUN}:`,
    redisOptions: { commandTimeout: 400 },
  });
  broker = createAmqpBroker({ urls: [AMQP], queues: { [Q]: {} } });
  await broker.connect();
  await broker.ensureQueue(Q);
  conn = await amqplib.connect(AMQP);
  ch = await conn.createChannel();
});
afterAll(async () => {
  await ch?.deleteQueue(Q).catch(() => {});
  await ch?.deleteQueue(`${Q}.dlq`).catch(() => {});
  await conn?.close().catch(() => {});
  await broker?.close();
  await results?.close();
  await front?.close();
});

const runUntilDone = async (
  worker: ReturnType<typeof createWorker>,
  job: { id: string },
): Promise<Record<string, unknown>> => {
  // Act as the event source mapping until the job is finished or has gone to the DLQ.
  await eventually(
    async () => {
      const e = await takeAsRmqEvent(ch, Q);
      if (e) await worker.rmqHandler(e, ctx);
      const state = (await results.get(job.id).catch(() => undefined))?.state;
      return state === 'succeeded' || state === 'failed';
    },
    15_000,
    100,
  );
  const rec = await results.get(job.id);
  // (a queue that does not exist closes the channel that asked)
  const probe = await conn.createChannel();
  const dlq = await probe.checkQueue(`${Q}.dlq`).catch(() => ({ messageCount: 0 }));
  await probe.close().catch(() => {});
  return { state: rec?.state, result: rec?.result, error: rec?.error?.type, runs, dead: dlq.messageCount };
};

const done = { state: 'succeeded', result: 5, error: undefined, dead: 0 };

it('rmq: a run start that Redis applied but whose reply was lost runs the job in that invocation, not dead-letters it as a lost run', async () => {
  const worker = createWorker({ config, results, publisher: broker.publisher, rmq: amqpRmqSink(broker) });
  const job = makeJob({ task: 'lost.add', queue: Q, input: { a: 2, b: 3 }, maxAttempts: 1 });
  await broker.publisher.publish(Q, job);
  await results.get(job.id); // the store's connection is up before the front is armed
  runs = 0;
  front.armed = true;
  expect(await runUntilDone(worker, job)).toEqual({ ...done, runs: 1 });
});

it('rmq: when the store stays down past the start retry, the copy handed back to this worker takes that start as its own', async () => {
  const worker = createWorker({ config, results, publisher: broker.publisher, rmq: amqpRmqSink(broker) });
  const job = makeJob({ task: 'lost.add', queue: Q, input: { a: 2, b: 3 }, maxAttempts: 1 });
  await broker.publisher.publish(Q, job);
  await results.get(job.id);
  runs = 0;
  front.downMs = 1500;
  front.armed = true;
  expect(await runUntilDone(worker, job)).toEqual({ ...done, runs: 1 });
});
