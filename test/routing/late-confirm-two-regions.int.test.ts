import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { createWorker, type Worker } from '@warren/worker';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';
import { RabbitHarness } from '../support/rabbit-nodes';

/**
 * Region a (nearest; a RabbitMQ node of this test's own) stops answering (SIGSTOP): the publish
 * times out and the job is accepted in region b (the shared :5672). Once a resumes, the message it
 * was sent lands there too: the same job id queued in two regions. A worker on each region's queue,
 * one Redis result store: the task runs once and the record stays b's.
 */
const RUN = `lc${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const runs: string[] = [];
const config = defineConfig({
  region: 'a',
  regions: [
    { id: 'a', location: { lat: 53.3, lon: -6.3 } },
    { id: 'b', location: { lat: 38.9, lon: -77.0 } },
  ],
  queues: { [QUEUE]: { type: 'classic' } },
  ingest: { publishTimeoutMs: 1500 },
  worker: { leaseMarginMs: 1000 },
  tasks: [
    defineTask({
      name: 'lc.once',
      queue: QUEUE,
      input: z.object({}),
      timeoutMs: 2000,
      handler: async (_input, ctx) => {
        runs.push(ctx.jobId);
        await new Promise((r) => setTimeout(r, 300));
        return 'done';
      },
    }),
  ],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a confirm that comes late, after the job failed over to another region', () => {
  const harness = new RabbitHarness();
  const brokers: AmqpBroker[] = [];
  const workers: Worker[] = [];
  const redis = new Redis(REDIS_URL);
  let pid: number | undefined;

  afterAll(async () => {
    if (pid) process.kill(pid, 'SIGCONT');
    for (const w of workers) await w.stop(2000).catch(() => {});
    for (const b of brokers) await b.close().catch(() => {});
    await harness.stopAll();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  }, 30_000);

  it('leaves the id queued in both regions, run once', async () => {
    const [node] = await harness.start([{ name: 'late-a', port: 28471 }]);
    const a = createAmqpBroker({ urls: [node!.url], queues: config.queues, delayTierType: 'classic' });
    const b = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues, delayTierType: 'classic' });
    brokers.push(a, b);
    await Promise.all([a.connect(), b.connect()]);
    const results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    const producer = createProducer({
      config,
      publishers: new Map([
        ['a', a.publisher],
        ['b', b.publisher],
      ]),
      results,
    });
    await producer.enqueue({ task: 'lc.once', input: {} }); // declares the queue in a
    const drain = await amqp.connect(node!.url);
    const ch = await drain.createChannel();
    while (await ch.get(QUEUE, { noAck: true }));
    pid = node!.pid();
    process.kill(pid!, 'SIGSTOP');
    const { response } = await producer.enqueue({ task: 'lc.once', input: {} });
    expect(response.region).toBe('b');
    process.kill(pid!, 'SIGCONT');
    pid = undefined;
    let inA = 0;
    for (const until = Date.now() + 5000; inA === 0 && Date.now() < until; await sleep(100))
      inA = (await ch.checkQueue(QUEUE)).messageCount;
    await drain.close();
    console.log(`copies of ${response.id}: a ${inA}, b accepted`);
    for (const broker of [a, b]) {
      const w = createWorker({ config, consumer: broker.consumer, results, queues: [QUEUE], concurrency: 2 });
      workers.push(w);
      await w.start();
    }
    for (const until = Date.now() + 5000; Date.now() < until; await sleep(100))
      if ((await results.get(response.id))?.state === 'succeeded') break;
    // The other copy waits out the first run's lease (2 s timeout + 1 s margin), then is skipped.
    await sleep(4000);
    const rec = await results.get(response.id);
    console.log(`runs ${JSON.stringify(runs)}; record ${rec?.state} in ${rec?.region}`);
    expect(rec).toMatchObject({ state: 'succeeded', region: 'b' });
    expect(runs.filter((id) => id === response.id)).toHaveLength(1);
  }, 120_000); // boots a node: behind other files' boots (the boot lock) on a loaded machine
});
