import type { AddressInfo } from 'node:net';
import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { captureLines, createLogger, createObservability, serveStatus } from '@warren/observability';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';
import { sample } from './prom-text';

// A run that ends the job failed (its last attempt threw, or it timed out) is a run like any
// other: warren_job_duration_seconds and the 'job failed' line must have its duration. They had
// none, so a task that always fails showed only its retried runs in the histogram, and a task
// timing out on its last try had no sample at all for that run.
it('the last, failing run of a job has its duration in the histogram and in the job failed line', async () => {
  const run = `obs-fdur-${uuidv7().slice(-8)}`;
  const q = `${run}.q`;
  const config = defineConfig({
    tasks: [
      defineTask({
        name: 'fdur.bad',
        queue: q,
        input: z.unknown(),
        retry: { maxAttempts: 2, backoff: { kind: 'fixed', baseMs: 20, jitter: false } },
        handler: async () => {
          await new Promise((r) => setTimeout(r, 30));
          throw new Error('always');
        },
      }),
    ],
    queues: { [q]: { type: 'classic' } },
  });
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  const redis = new Redis(REDIS_URL);
  const { lines, stream } = captureLines();
  const obs = createObservability({ config, logger: createLogger({ stream }), roles: ['run'] });
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results: obs.results(createRedisResultStore({ redis, prefix: `${run}:` })),
    onEvent: obs.executorEvents,
    runScope: obs.runScope,
  });
  const server = await serveStatus(obs, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  try {
    await worker.start();
    const job = makeJob({ task: 'fdur.bad', queue: q, maxAttempts: 2 });
    await broker.publisher.publish(q, job);
    const failed = await eventually(() => lines.find((l) => l.jobId === job.id && l.msg === 'job failed'));
    expect(failed.durationMs).toBeGreaterThanOrEqual(25);
    const text = await (await fetch(url)).text();
    const labels = { task: 'fdur.bad', queue: q };
    expect(sample(text, 'warren_jobs_started_total', labels)).toBe(2);
    expect(sample(text, 'warren_job_duration_seconds_count', labels)).toBe(2);
    expect(sample(text, 'warren_job_duration_seconds_bucket', { ...labels, le: '0.005' })).toBe(0);
  } finally {
    await new Promise((r) => server.close(r));
    await worker.stop(1000);
    await broker.close();
    await cleanUpRun(q, redis, `${run}:`);
  }
}, 20_000);
