import { randomInt } from 'node:crypto';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, MemoryResultStore } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { createIngestApp } from '@warren/ingest';
import { createLogger, createObservability, queueStatsFrom } from '@warren/observability';
import { createClient } from '@warren/sdk';
import { createWorker, type Worker } from '@warren/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sample } from './prom-text';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `obs-${FILE_ID}-${Math.random().toString(36).slice(2, 7)}`;

describe('queue depth and consumers from RabbitMQ on scrape (real broker on :5672)', () => {
  const config = defineConfig({
    tasks: [
      defineTask({
        name: 'obs.double',
        queue: Q,
        input: z.object({ n: z.number() }),
        handler: ({ n }) => n * 2,
      }),
    ],
    queues: { [Q]: { type: 'classic' } },
  });
  const broker: AmqpBroker = createAmqpBroker({ urls: [URL], queues: config.queues, healthIntervalMs: 0 });
  const obs = createObservability({
    config,
    logger: createLogger({ level: 'silent' }),
    queueStats: queueStatsFrom(broker),
    queues: () => [Q],
  });
  const results = obs.results(new MemoryResultStore());
  const producer = createProducer({
    config,
    publishers: new Map([[config.region, broker.publisher]]),
    results,
    onEvent: obs.producerEvents,
  });
  const app = createIngestApp({ config, producer, results, onRequest: obs.onRequest, extend: obs.extend });
  const client = createClient({
    url: 'http://warren.test',
    fetch: (i, init) => app.request(String(i), init),
  });
  let worker: Worker | undefined;
  const scrape = async () => (await app.request('/metrics')).text();

  afterAll(async () => {
    await worker?.stop(1000);
    const amqp = (await import('amqplib')).default;
    const c = await amqp.connect(URL);
    const ch = await c.createChannel();
    await ch.deleteQueue(Q);
    await ch.deleteQueue(`${Q}.dlq`);
    await c.close();
    await broker.close();
  });

  it('shows the backlog with no consumer, then drains it once a worker attaches', async () => {
    await broker.connect();
    await broker.ensureQueue(Q);
    const jobs = await Promise.all([1, 2, 3].map((n) => client.enqueue('obs.double', { n })));
    let text = await scrape();
    expect(sample(text, 'warren_queue_depth', { queue: Q })).toBe(3);
    expect(sample(text, 'warren_queue_consumers', { queue: Q })).toBe(0);
    expect(sample(text, 'warren_jobs_enqueued_total', { task: 'obs.double', queue: Q })).toBe(3);
    expect(sample(text, 'warren_queue_recommended_workers', { queue: Q })).toBe(1);

    worker = createWorker({ config, consumer: broker.consumer, results, onEvent: obs.executorEvents });
    await worker.start();
    const done = await Promise.all(jobs.map((j) => client.wait(j, { timeoutMs: 10_000 })));
    expect(done.map((r) => r.result)).toEqual([2, 4, 6]);
    // Broker reads are shared for half a second (sharedQueueStats): the drained depth may take that long.
    text = await eventually(async () => {
      const t = await scrape();
      return sample(t, 'warren_queue_depth', { queue: Q }) === 0 ? t : undefined;
    }, 5000);
    expect(sample(text, 'warren_queue_depth', { queue: Q })).toBe(0);
    expect(sample(text, 'warren_queue_consumers', { queue: Q })).toBe(1);
    expect(sample(text, 'warren_jobs_succeeded_total', { task: 'obs.double', queue: Q })).toBe(3);
  });
});
