import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker, type Worker } from '@warren/worker';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const RUN = `wrun-${uuidv7().slice(-8)}`;
const Q = `${RUN}.jobs`;
const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });
const brokers: AmqpBroker[] = [];
const workers: Worker[] = [];

// Ignores its signal: the run outlives its 200 ms timeout until the test lets it go.
const stuck: (() => void)[] = [];
const hang = defineTask({
  name: 'run.hang',
  queue: Q,
  input: z.unknown(),
  timeoutMs: 200,
  handler: () => new Promise<void>((resolve) => stuck.push(resolve)),
});
const ran: Record<string, string> = {};
const quick = defineTask({
  name: 'run.quick',
  queue: Q,
  input: z.object({ n: z.number() }),
  handler: ({ n }, ctx) => {
    ran[ctx.jobId] = String(n);
    return n;
  },
});
const config = defineConfig({ tasks: [hang, quick] });

async function startWorker(id: string): Promise<Worker> {
  const broker = createAmqpBroker({ urls: [AMQP], queues: { [Q]: {} } });
  await broker.connect();
  brokers.push(broker);
  const w = createWorker({ config, results, consumer: broker.consumer, concurrency: 1, workerId: id });
  await w.start();
  workers.push(w);
  return w;
}

const state = async (id: string) => (await results.get(id))?.state;

beforeAll(async () => {
  await startWorker('a');
});
afterAll(async () => {
  for (const r of stuck.splice(0)) r();
  for (const w of workers) await w.stop(1000).catch(() => {});
  for (const b of brokers) await b.close();
  const conn = await amqplib.connect(AMQP);
  const ch = await conn.createChannel();
  for (const q of [Q, `${Q}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
  await results.close();
});

describe('long-running worker whose every slot is held by a runaway', () => {
  it('hands the jobs it cannot start back to the queue for other workers, and takes jobs again once a runaway settles', async () => {
    const a = workers[0]!;
    const [pub] = brokers;
    const h = makeJob({ task: hang.name, queue: Q, input: {}, maxAttempts: 1 });
    await pub!.publisher.publish(Q, h);
    await eventually(() => a.health().runaways === 1, 10_000);
    expect(await eventually(() => state(h.id).then((s) => s === 'failed'))).toBe(true);

    // Worker a can start nothing: it stops consuming, so a job published now is not prefetched there.
    await eventually(async () => (await pub!.checkQueue(Q)).consumerCount === 0);
    const b1 = makeJob({ task: quick.name, queue: Q, input: { n: 1 } });
    await pub!.publisher.publish(Q, b1);
    await new Promise((r) => setTimeout(r, 500));
    const other = await startWorker('b');
    expect(await eventually(() => state(b1.id).then((s) => s === 'succeeded'), 8_000)).toBe(true);
    await other.stop(1000);

    // The runaway settles: worker a consumes again.
    stuck.shift()!();
    await eventually(() => a.health().runaways === 0);
    const b2 = makeJob({ task: quick.name, queue: Q, input: { n: 2 } });
    await pub!.publisher.publish(Q, b2);
    expect(await eventually(() => state(b2.id).then((s) => s === 'succeeded'), 8_000)).toBe(true);
    expect(ran[b2.id]).toBe('2');
  }, 40_000);
});
