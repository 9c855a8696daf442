import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob, sleep } from '@warren/core/testing';
import { createLogger, createObservability, queueStatsFrom } from '@warren/observability';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';
import { sample } from './prom-text';

// A worker that takes over a run whose worker died (WorkerLostError) spends that attempt without
// running anything, yet its `retried` event said durationMs 0: each takeover put a 0 s sample in
// warren_job_duration_seconds (its le=0.005 bucket) and a 0 in the mean job duration W behind
// warren_queue_recommended_workers, which asked for fewer workers after every crash.
it('a WorkerLostError takeover adds no job-duration sample (nothing ran)', async () => {
  const run = `obs-wl-${uuidv7().slice(-8)}`;
  const q = `${run}.q`;
  const config = defineConfig({
    tasks: [
      defineTask({
        name: 'wl.work',
        queue: q,
        input: z.unknown(),
        retry: { maxAttempts: 3 },
        handler: () => sleep(300),
      }),
    ],
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
  const labels = { task: 'wl.work', queue: q };
  try {
    const job = makeJob({ task: 'wl.work', queue: q, maxAttempts: 3 });
    // What a worker killed mid-run leaves: the record running under its owner, the lease lapsed,
    // and the message back in the queue with the same attempt.
    await results.transition(job.id, 'running', {
      task: job.task,
      queue: q,
      attempts: 1,
      owner: 'dead-worker/1',
      leaseMs: 1,
    });
    await sleep(20);
    await broker.publisher.publish(q, job);
    await worker.start();
    await eventually(
      async () => ((await results.get(job.id))?.state === 'succeeded' ? true : undefined),
      20_000,
    );
    // The succeeded event (and its metrics) follows the record's write by a moment: read after it.
    const text = await eventually(async () => {
      const t = await obs.registry.metrics();
      return sample(t, 'warren_jobs_succeeded_total', labels) === 1 ? t : undefined;
    }, 5_000);
    expect(sample(text, 'warren_jobs_retried_total', labels)).toBe(1); // the takeover
    expect(sample(text, 'warren_jobs_succeeded_total', labels)).toBe(1);
    expect(sample(text, 'warren_jobs_started_total', labels)).toBe(1); // only attempt 2 ran here
    // One run of ~300 ms: one sample, none under 5 ms.
    expect(sample(text, 'warren_job_duration_seconds_count', labels)).toBe(1);
    expect(sample(text, 'warren_job_duration_seconds_bucket', { ...labels, le: '0.005' })).toBe(0);
    expect(obs.rates.snapshot(q).meanDurationMs).toBeGreaterThanOrEqual(250);
  } finally {
    await worker.stop(1000);
    await broker.close();
    await cleanUpRun(q, redis, `${run}:`);
  }
}, 40_000);
