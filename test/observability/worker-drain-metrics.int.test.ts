import { createAmqpBroker } from '@warren/amqp';
import { uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';
import { freePort } from '../support/ports';
import { startWorkerProcess } from '../worker/support/worker-process';
import { sample } from './prom-text';

// A worker draining on SIGTERM runs its jobs in hand for up to worker.shutdownTimeoutMs (30 s by
// default, up to a day): its metrics port closed first, so every scrape in the drain was refused
// (a target down for the whole rollout), /healthz with it, and the outcomes of the jobs it
// finished meanwhile were never scraped.
it('warren worker keeps /metrics and /healthz answering while it drains', async () => {
  const run = `obs-drain-${uuidv7().slice(-8)}`;
  const q = `${run}.q`;
  const port = await freePort();
  const w = startWorkerProcess(q, {
    RABBITMQ_URL: AMQP_URL,
    REDIS_URL,
    WARREN_REDIS_PREFIX: `${run}:`,
    METRICS_PORT: String(port),
    TEST_SHUTDOWN_MS: '10000',
  });
  const broker = createAmqpBroker({ urls: [AMQP_URL], healthIntervalMs: 0 });
  await broker.connect();
  const base = `http://127.0.0.1:${port}`;
  try {
    await w.ready;
    await broker.publisher.publish(q, makeJob({ task: 'w.slow', queue: q, input: { ms: 2500 } }));
    await eventually(() => w.output().includes('"msg":"job started"') || undefined, 10_000);
    w.child.kill('SIGTERM');
    await eventually(() => w.output().includes('SIGTERM: shutting down') || undefined, 5_000);
    // The job is still running (2.5 s): the drain is under way.
    const metrics = await fetch(`${base}/metrics`).catch((e: Error) => e);
    expect(metrics instanceof Error ? metrics.message : metrics.status).toBe(200);
    const text = await (metrics as Response).text();
    expect(sample(text, 'warren_jobs_started_total', { task: 'w.slow', queue: q })).toBe(1);
    const health = await fetch(`${base}/healthz`).catch((e: Error) => e);
    expect(health instanceof Error ? health.message : health.status).toBe(200);
    expect(await (health as Response).json()).toMatchObject({ ok: true, running: 1 });
    expect(await w.exited).toBe(0);
    expect(w.output()).toMatch(/"msg":"job succeeded"/);
  } finally {
    if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await broker.close();
    await cleanUpRun(q, new Redis(REDIS_URL), `${run}:`);
  }
}, 40_000);
