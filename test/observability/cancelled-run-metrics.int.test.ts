import type { AddressInfo } from 'node:net';
import { createAmqpBroker } from '@warren/amqp';
import { cancelJob, defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createLogger, createObservability, queueStatsFrom, serveStatus } from '@warren/observability';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';
import { sample } from './prom-text';

// A job cancelled while it ran (DELETE /v1/jobs/:id) was counted started and then in no outcome
// counter: started − (succeeded + failed + retried) grew by one per cancel, as it did for every
// run handed back at shutdown, so "jobs in flight" never came back to zero and an alert on it fired.
it('a run whose job was cancelled meanwhile is counted as skipped', async () => {
  const run = `obs-cxl-${uuidv7().slice(-8)}`;
  const q = `${run}.q`;
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const config = defineConfig({
    tasks: [defineTask({ name: 'cxl.slow', queue: q, input: z.unknown(), handler: () => gate })],
    queues: { [q]: { type: 'classic' } },
  });
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  const redis = new Redis(REDIS_URL);
  const results = createRedisResultStore({ redis, prefix: `${run}:` });
  const obs = createObservability({
    config,
    logger: createLogger({ level: 'silent' }),
    queueStats: queueStatsFrom(broker),
  });
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results: obs.results(results),
    onEvent: obs.executorEvents,
  });
  const server = await serveStatus(obs, 0, '127.0.0.1');
  const scrape = async () =>
    (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)).text();
  const labels = { task: 'cxl.slow', queue: q };
  try {
    await worker.start();
    const job = makeJob({ task: 'cxl.slow', queue: q });
    await broker.publisher.publish(q, job);
    const rec = await eventually(async () => {
      const r = await results.get(job.id);
      return r?.state === 'running' ? r : undefined;
    }, 10_000);
    await cancelJob(results, rec, config);
    open();
    const text = await eventually(async () => {
      const t = await scrape();
      return sample(t, 'warren_jobs_skipped_total', labels) === 1 ? t : undefined;
    }, 10_000).catch(scrape);
    expect(sample(text, 'warren_jobs_started_total', labels)).toBe(1);
    expect(sample(text, 'warren_jobs_succeeded_total', labels) ?? 0).toBe(0);
    expect(sample(text, 'warren_jobs_skipped_total', labels)).toBe(1);
    expect((await results.get(job.id))?.state).toBe('cancelled');
  } finally {
    open();
    await new Promise((r) => server.close(r));
    await worker.stop(1000);
    await broker.close();
    await cleanUpRun(q, redis, `${run}:`);
  }
}, 30_000);
