import { type AmqpBroker, createAmqpBroker, workQueueArguments } from '@warren/amqp';
import { type JobEnvelope, uuidv7 } from '@warren/core';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { connectAmqp } from '../lib/amqp-connect';
import type { BenchContext, BenchSuite } from '../lib/types';

/**
 * Publish throughput with publisher confirms on one quorum queue (1 KiB input, persistent):
 * the warren adapter's `publisher.publish` (codec, in-flight window, per-message promise,
 * return/nack handling) against raw amqplib on a ConfirmChannel with the same 1000 messages in
 * flight and the same JSON encoding. Both resolve a message only when the broker confirmed it.
 */
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const QUEUE = `bench-amqp-publish-${process.pid}`;
const IN_FLIGHT = 1000;
const PAYLOAD = 'x'.repeat(1024);

let broker: AmqpBroker | undefined;
let rawConn: ChannelModel | undefined;
let rawCh: ConfirmChannel | undefined;

const job = (): JobEnvelope => ({
  v: 1,
  id: uuidv7(),
  task: 'bench.publish',
  queue: QUEUE,
  input: { payload: PAYLOAD },
  attempt: 1,
  maxAttempts: 3,
  backoff: { kind: 'exponential', baseMs: 1000, maxMs: 60_000, jitter: true },
  enqueuedAt: new Date().toISOString(),
  origin: 'local',
  hops: [],
});

const count = (ctx: BenchContext) => (ctx.quick ? 10_000 : 100_000);

/** Keeps `IN_FLIGHT` publishes outstanding until `n` are confirmed; the same driver for both sides. */
function drive(n: number, ctx: BenchContext, send: (done: (err?: unknown) => void) => void): Promise<number> {
  const bar = ctx.progress('publish', n);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let confirmed = 0;
    let failed = false;
    const pump = () => {
      while (sent - confirmed < IN_FLIGHT && sent < n && !failed) {
        sent++;
        send((err) => {
          if (err && !failed) {
            failed = true;
            bar.stop();
            reject(err);
            return;
          }
          confirmed++;
          if (confirmed % 1000 === 0) bar.tick(1000);
          if (confirmed === n) {
            bar.stop();
            resolve(n / ((performance.now() - t0) / 1000));
          } else pump();
        });
      }
    };
    pump();
  });
}

type Send = (done: (err?: unknown) => void) => void;

const sendWarren: Send = (done) => {
  broker!.publisher.publish(QUEUE, job()).then(() => done(), done);
};

/** What the adapter's codec puts on the wire, published by hand. */
const sendRaw: Send = (done) => {
  const j = job();
  rawCh!.publish(
    '',
    QUEUE,
    Buffer.from(JSON.stringify(j)),
    {
      persistent: true,
      contentType: 'application/json',
      messageId: j.id,
      type: j.task,
      timestamp: Math.floor(Date.now() / 1000),
      mandatory: true,
    },
    (err) => done(err ?? undefined),
  );
};

const warmUp = (send: Send, ctx: BenchContext) => drive(2000, ctx, send);

async function purge(): Promise<void> {
  await rawCh?.purgeQueue(QUEUE);
}

const suite: BenchSuite = {
  id: 'amqp-publish',
  title: `Confirmed publishes, 1 KiB persistent, quorum queue, ${IN_FLIGHT} in flight`,
  metrics: [{ key: 'msgsPerSec', label: 'confirmed msgs/s', unit: 'msg/s', better: 'higher', goal: 0.9 }],
  async setup(ctx) {
    broker = createAmqpBroker({ urls: [URL], healthIntervalMs: 0, maxInFlight: IN_FLIGHT });
    await broker.connect();
    await broker.ensureQueue(QUEUE);
    rawConn = await connectAmqp(URL);
    rawCh = await rawConn.createConfirmChannel();
    // Same queue, same arguments: assertQueue is a no-op on the adapter's declaration.
    await rawCh.assertQueue(QUEUE, { durable: true, arguments: workQueueArguments(QUEUE) });
    // Warm both paths (JIT, lazily loaded modules, the queue's first segment) before measuring.
    const warm = { ...ctx, quick: true, progress: () => ({ tick() {}, stop() {} }) };
    for (const side of suite.sides) await warmUp(side.role === 'warren' ? sendWarren : sendRaw, warm);
    await purge();
  },
  async teardown() {
    await rawCh?.deleteQueue(QUEUE).catch(() => {});
    await rawCh?.deleteQueue(`${QUEUE}.dlq`).catch(() => {});
    await rawConn?.close().catch(() => {});
    await broker?.close().catch(() => {});
  },
  sides: [
    {
      name: 'warren amqp adapter (publisher.publish, confirm per message)',
      role: 'warren',
      durability: 'fsync (quorum confirm)',
      async run(ctx) {
        const msgsPerSec = await drive(count(ctx), ctx, sendWarren);
        await purge();
        return { msgsPerSec };
      },
    },
    {
      name: 'raw amqplib ConfirmChannel (callback per message)',
      role: 'baseline',
      durability: 'fsync (quorum confirm)',
      async run(ctx) {
        const msgsPerSec = await drive(count(ctx), ctx, sendRaw);
        await purge();
        return { msgsPerSec };
      },
    },
  ],
};

export default suite;
