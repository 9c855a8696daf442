import type { AddressInfo } from 'node:net';
import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createLogger, createObservability, queueStatsFrom, serveStatus } from '@warren/observability';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { cleanUpRun } from '../ingest/support';
import { startTcpProxy } from '../support/tcp-proxy';
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
