import type { AddressInfo } from 'node:net';
import { createAmqpBroker } from '@warren/amqp';
import {
  createProducer,
  defineConfig,
  defineTask,
  MemoryBroker,
  MemoryResultStore,
  uuidv7,
} from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createLogger, createObservability, queueStatsFrom, serveStatus } from '@warren/observability';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { cleanUpRun } from '../ingest/support';
import { startTcpProxy } from '../support/tcp-proxy';
import { launchChromium, portInRange } from './browser';
import { sample } from './prom-text';

// With the broker unreachable the queue's depth cannot be read, and the recommendation was
// computed with a backlog of 0: a queue 100 deep went from 2 workers needed to 0 the moment the
// broker stopped answering, and a scaler following the gauge took the fleet to zero. Unknown is
// no sample (a scaler then keeps its last decision or its fallback), never a confident 0.
it('recommended workers has no sample while the broker cannot be read, instead of 0', async () => {
  const q = `obs-down-${uuidv7().slice(-8)}`;
  const config = defineConfig({
    tasks: [defineTask({ name: 'down.job', queue: q, input: z.unknown() })],
    queues: { [q]: { type: 'classic' } },
    worker: { concurrency: 1, shutdownTimeoutMs: 1000 },
  });
  const proxy = await startTcpProxy(5672);
  const broker = createAmqpBroker({
    urls: [`amqp://guest:guest@127.0.0.1:${proxy.port}`],
    queues: config.queues,
    healthIntervalMs: 0,
  });
  await broker.connect();
  const obs = createObservability({
    config,
    logger: createLogger({ level: 'silent' }),
    queueStats: queueStatsFrom(broker),
  });
  const server = await serveStatus(obs, 0, '127.0.0.1');
  const scrape = async () =>
    (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)).text();
  try {
    await broker.ensureQueue(q);
    for (let i = 0; i < 100; i++) await broker.publisher.publish(q, makeJob({ task: 'down.job', queue: q }));
    const before = await scrape();
    expect(sample(before, 'warren_queue_depth', { queue: q })).toBe(100);
    expect(sample(before, 'warren_queue_recommended_workers', { queue: q })).toBeGreaterThan(0);
    await proxy.close();
    // Broker reads are shared for half a second (sharedQueueStats): the next one fails.
    const after = await eventually(async () => {
      const t = await scrape();
      return sample(t, 'warren_queue_depth', { queue: q }) === undefined ? t : undefined;
    }, 5000);
    expect(sample(after, 'warren_queue_depth', { queue: q })).toBeUndefined();
    expect(sample(after, 'warren_queue_recommended_workers', { queue: q })).toBeUndefined();
  } finally {
    await new Promise((r) => server.close(r));
    await broker.close().catch(() => {});
    await cleanUpRun(q, undefined, '');
  }
}, 30_000);

// The gauge had it fixed (840566c), /status.json not: its recommendedWorkers (and the backlog's
// share, drain) were still computed with a backlog of 0, so `warren status --json` (the signal
// for scripts and KEDA-style scalers) said 0 workers for a queue 100 deep, and the dashboard
// showed that 0 as a known number. Unknown is null there, and the dashboard shows it as "—".
it('/status.json says null workers needed while the broker cannot be read; the dashboard shows "—"', async () => {
  const q = `obs-down-${uuidv7().slice(-8)}`;
  const config = defineConfig({
    tasks: [defineTask({ name: 'down.job', queue: q, input: z.unknown() })],
    queues: { [q]: { type: 'classic' } },
    worker: { concurrency: 1, shutdownTimeoutMs: 1000 },
  });
  const proxy = await startTcpProxy(5672);
  const broker = createAmqpBroker({
    urls: [`amqp://guest:guest@127.0.0.1:${proxy.port}`],
    queues: config.queues,
    healthIntervalMs: 0,
  });
  await broker.connect();
  const obs = createObservability({
    config,
    logger: createLogger({ level: 'silent' }),
    queueStats: queueStatsFrom(broker),
    queues: () => [q],
  });
  // The ingest serves the dashboard next to /status.json; what it publishes is not under test.
  const results = new MemoryResultStore();
  const producer = createProducer({
    config,
    publishers: new Map([[config.region, new MemoryBroker()]]),
    results,
  });
  const app = createIngestApp({ config, producer, results, extend: obs.extend });
  const port = await portInRange();
  const server = await serveNode(app, port, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  const row = async () => {
    const s = await (await fetch(`${base}/status.json`)).json();
    return s.queues.find((x: { name: string }) => x.name === q);
  };
  const browser = await launchChromium();
  try {
    await broker.ensureQueue(q);
    for (let i = 0; i < 100; i++) await broker.publisher.publish(q, makeJob({ task: 'down.job', queue: q }));
    const before = await row();
    expect(before.depth).toBe(100);
    expect(before.scaling.recommendedWorkers).toBeGreaterThan(0);
    expect(before.scaling.drain).toBeGreaterThan(0);
    await proxy.close();
    const after = await eventually(async () => {
      const r = await row();
      return r.depth === null ? r : undefined;
    }, 5000);
    expect(after.scaling.recommendedWorkers).toBeNull();
    expect(after.scaling.drain).toBeNull();

    const page = await browser.newPage();
    await page.goto(`${base}/dashboard`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
    const card = (await page.locator(`[data-queue="${q}"]`).textContent()) ?? '';
    expect(card).toContain('—workers needed');
    expect(await page.locator('#t-workers').textContent()).toBe('—');
    // The Backlog tile summed unknown depths as 0: '0 jobs' for a queue 100 deep.
    expect(await page.locator('#t-backlog').textContent()).toBe('—');
    for (const sel of ['.tiles', '#queues'])
      expect(await page.locator(sel).textContent()).not.toMatch(/null|NaN/);
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
    await broker.close().catch(() => {});
    await cleanUpRun(q, undefined, '');
  }
}, 60_000);
