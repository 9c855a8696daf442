import type { AddressInfo } from 'node:net';
import { createAmqpBroker, tierName } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, MemoryResultStore, uuidv7 } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createLogger, createObservability, queueStatsFrom } from '@warren/observability';
import amqp from 'amqplib';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun } from '../ingest/support';

// The ingest took every accepted job as an arrival now, whenever it was due: 200 jobs scheduled
// for an hour later (delayMs, runAt) made the queue ask for workers at once (λ = 200 over the
// window), for a queue with nothing to run; a scaler started a fleet that idled for an hour.
// A scheduled job arrives when it is due (it then shows as backlog or as starts).
it('jobs scheduled for later are not counted as arrivals by the scaling signal', async () => {
  const q = `obs-sched-${uuidv7().slice(-8)}`;
  const config = defineConfig({
    tasks: [defineTask({ name: 'sched.job', queue: q, input: z.unknown() })],
    queues: { [q]: { type: 'classic' } },
    worker: { concurrency: 1, shutdownTimeoutMs: 1000 },
  });
  // A delay tier of this test's own: the shared ones would keep its jobs for an hour (and, with
  // their queue deleted, for good: at-least-once dead-lettering retries an unroutable message).
  const tierMs = 3_000_000 + Math.floor(Math.random() * 100_000);
  const broker = createAmqpBroker({
    urls: [AMQP_URL],
    queues: config.queues,
    healthIntervalMs: 0,
    delayTiersMs: [tierMs],
  });
  await broker.connect();
  const obs = createObservability({
    config,
    logger: createLogger({ level: 'silent' }),
    queueStats: queueStatsFrom(broker),
  });
  const results = new MemoryResultStore();
  const producer = createProducer({
    config,
    publishers: new Map([[config.region, broker.publisher]]),
    results,
    onEvent: obs.producerEvents,
  });
  const app = createIngestApp({ config, producer, results, onRequest: obs.onRequest, extend: obs.extend });
  const server = await serveNode(app, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const jobs = Array.from({ length: 200 }, (_, i) => ({
      task: 'sched.job',
      input: { i },
      delayMs: 3_600_000,
    }));
    const res = await fetch(`${base}/v1/jobs/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jobs }),
    });
    expect(res.status).toBeLessThan(300);
    const row = (await (await fetch(`${base}/status.json`)).json()).queues.find(
      (r: { name: string }) => r.name === q,
    );
    expect(row.totals.enqueued).toBe(200); // the counter still counts every accepted job
    // And so does the enqueue rate the dashboard and warren status show (it read 0/s: the jobs
    // were left out of the rates altogether, not only out of the arrivals).
    expect(row.rates.enqueued).toBeGreaterThan(0);
    expect(row.depth).toBe(0);
    expect(row.scaling.arrivalPerS).toBe(0);
    expect(row.scaling.recommendedWorkers).toBe(0);
  } finally {
    server.close();
    await broker.close();
    await cleanUpRun(q, undefined, '');
    const conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createChannel();
    await ch.deleteQueue(tierName(tierMs));
    await ch.deleteExchange(tierName(tierMs));
    await conn.close();
  }
}, 30_000);
