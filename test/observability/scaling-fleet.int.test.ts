import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, MemoryResultStore, uuidv7 } from '@warren/core';
import { eventually, makeJob, sleep } from '@warren/core/testing';
import { createLogger, createObservability, queueStatsFrom } from '@warren/observability';
import { createWorker } from '@warren/worker';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun } from '../ingest/support';

// Each worker process estimated the queue's arrivals from the jobs it started itself: with N
// workers on a queue each saw about 1/N of them and recommended about 1/N of the workers needed.
// A scaler following the signal (max or average over the workers) shrank the fleet, the backlog
// grew, it grew the fleet again: flapping, never settling at the size the load needs.
it("two workers on one queue each estimate the queue's arrival rate, not their own share of it", async () => {
  const run = `obs-fleet-${uuidv7().slice(-8)}`;
  const q = `${run}.q`;
  const config = defineConfig({
    tasks: [defineTask({ name: 'fleet.job', queue: q, input: z.unknown(), handler: () => sleep(250) })],
    queues: { [q]: { type: 'classic' } },
    worker: { concurrency: 2, shutdownTimeoutMs: 5000 },
  });
  const results = new MemoryResultStore();
  const workers = await Promise.all(
    [1, 2].map(async () => {
      const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues, healthIntervalMs: 0 });
      await broker.connect();
      const obs = createObservability({
        config,
        logger: createLogger({ level: 'silent' }),
        queueStats: queueStatsFrom(broker),
        queues: () => [q],
      });
      const worker = createWorker({
        config,
        consumer: broker.consumer,
        results,
        onEvent: obs.executorEvents,
      });
      await worker.start();
      return { broker, obs, worker };
    }),
  );
  const publisher = workers[0]!.broker.publisher;
  try {
    await eventually(async () => (await workers[0]!.broker.checkQueue(q)).consumerCount === 2);
    // 8 jobs/s of 0.25 s each for 5 s: 2 jobs in service on average, 1 worker of 2 slots keeps up.
    const t0 = Date.now();
    for (let i = 0; i < 40; i++) {
      await publisher.publish(q, makeJob({ task: 'fleet.job', queue: q }));
      await sleep(Math.max(0, t0 + (i + 1) * 125 - Date.now()));
    }
    await sleep(500);
    const rows = await Promise.all(
      workers.map(async (w) => (await w.obs.status()).queues.find((r) => r.name === q)!),
    );
    // The queue's start rate: both workers' together (each saw about half of it).
    const fleet = rows.reduce((n, r) => n + r.rates.started, 0);
    expect(fleet).toBeGreaterThan(2);
    for (const row of rows) {
      expect(row.totals.started).toBeGreaterThan(5); // both took a share
      expect(row.scaling.arrivalPerS).toBeGreaterThan(0.75 * fleet);
      expect(row.scaling.arrivalPerS).toBeLessThan(1.5 * fleet);
    }
  } finally {
    for (const w of workers) {
      await w.worker.stop(2000);
      await w.broker.close();
    }
    await cleanUpRun(q, undefined, `${run}:`);
  }
}, 40_000);
