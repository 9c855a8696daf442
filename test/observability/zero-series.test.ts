import type { AddressInfo } from 'node:net';
import { defineConfig, defineTask } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { createLogger, createObservability, serveStatus } from '@warren/observability';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { sample } from './prom-text';

// A job counter's series appeared only with its first increment, at 1: Prometheus then has no
// earlier 0 to compare with, so increase(warren_jobs_failed_total[5m]) stayed 0 and an alert on
// "any failure" missed the first failure of each task after every process start (Prometheus
// practice: export 0 for the series you know will exist).
it('job counters of the configured tasks are scraped at 0 before any job ran', async () => {
  const config = defineConfig({
    tasks: [defineTask({ name: 'mail.send', queue: 'mail', input: z.unknown(), handler: () => 1 })],
  });
  let consuming: readonly string[] = [];
  const obs = createObservability({
    config,
    logger: createLogger({ level: 'silent' }),
    queues: () => consuming,
  });
  const server = await serveStatus(obs, 0, '127.0.0.1');
  const scrape = async () =>
    (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)).text();
  try {
    let text = await scrape();
    const labels = { task: 'mail.send', queue: 'mail' };
    for (const c of ['enqueued', 'started', 'succeeded', 'failed', 'retried', 'dead_lettered', 'skipped'])
      expect(sample(text, `warren_jobs_${c}_total`, labels), c).toBe(0);
    expect(sample(text, 'warren_job_duration_seconds_count', labels)).toBe(0);
    consuming = ['mail'];
    text = await scrape();
    expect(sample(text, 'warren_queue_dead_lettered_total', { queue: 'mail' })).toBe(0);
    // A first failure now reads as 0 → 1.
    const job = makeJob({ task: 'mail.send', queue: 'mail' });
    obs.executorEvents({ type: 'failed', job, attempt: 1, reason: 'non-retriable error' });
    expect(sample(await scrape(), 'warren_jobs_failed_total', labels)).toBe(1);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

it('an ingest zeroes only what it enqueues, a forwarder no job series at all', async () => {
  const config = defineConfig({
    tasks: [defineTask({ name: 'mail.send', queue: 'mail', input: z.unknown(), handler: () => 1 })],
  });
  const text = async (roles: ('enqueue' | 'run')[]) =>
    createObservability({ config, logger: createLogger({ level: 'silent' }), roles }).registry.metrics();
  const labels = { task: 'mail.send', queue: 'mail' };
  const ingest = await text(['enqueue']);
  expect(sample(ingest, 'warren_jobs_enqueued_total', labels)).toBe(0);
  expect(sample(ingest, 'warren_jobs_failed_total', labels)).toBeUndefined();
  expect(await text([])).not.toMatch(/^warren_job[^{]*\{task=/m);
});
