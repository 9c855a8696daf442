import type { AddressInfo } from 'node:net';
import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, MemoryResultStore, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createLogger, createObservability, queueStatsFrom, serveStatus } from '@warren/observability';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { parseProm } from './prom-text';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `obs-card-${uuidv7().slice(-8)}`;

afterAll(async () => {
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [Q, `${Q}.dlq`]) await ch.deleteQueue(q);
  await conn.close();
});

// Anyone who can publish to a consumed queue (a Celery producer, a script on the broker) picks the
// envelope's task and queue names. Each made a new series in every job metric (and a queue row in
// /status.json, read from the broker on every request), so a stream of made-up names grew the
// scrape and the worker's memory without bound.
it('task and queue names from the envelope that the config does not know share one label value', async () => {
  const config = defineConfig({
    tasks: [defineTask({ name: 'card.ok', queue: Q, input: z.unknown(), handler: () => 1 })],
    queues: { [Q]: { type: 'classic' } },
    // Made-up tasks dead-lettered at once (not handed back for a worker that knows them).
    worker: { unknownTaskGraceMs: 0 },
  });
  const broker = createAmqpBroker({ urls: [URL], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  let consuming: readonly string[] = [];
  const obs = createObservability({
    config,
    logger: createLogger({ level: 'silent' }),
    queueStats: queueStatsFrom(broker),
    queues: () => consuming,
  });
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results: obs.results(new MemoryResultStore()),
    onEvent: obs.executorEvents,
  });
  const server = await serveStatus(obs, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const N = 12;
  try {
    await worker.start();
    consuming = worker.queues;
    await broker.publisher.publish(Q, makeJob({ task: 'card.ok', queue: Q }));
    for (let i = 0; i < N; i++)
      await broker.publisher.publish(Q, makeJob({ task: `made.up.${i}`, queue: `nowhere-${i}` }));
    const text = await eventually(async () => {
      const t = await (await fetch(`${base}/metrics`)).text();
      const dl = parseProm(t).filter((s) => s.name === 'warren_jobs_dead_lettered_total');
      return dl.reduce((n, s) => n + s.value, 0) === N ? t : undefined;
    }, 15_000);
    const series = parseProm(text).filter((s) => s.name.startsWith('warren_job'));
    const tasks = new Set(series.map((s) => s.labels.task).filter(Boolean));
    const queues = new Set(series.map((s) => s.labels.queue).filter(Boolean));
    expect([...tasks].sort()).toEqual(['_unknown', 'card.ok']);
    expect([...queues].sort()).toEqual(['_unknown', Q].sort());
    expect(
      parseProm(text).find((s) => s.name === 'warren_jobs_failed_total' && s.labels.task === '_unknown')
        ?.value,
    ).toBe(N);
    const status = await (await fetch(`${base}/status.json`)).json();
    expect(status.queues.map((q: { name: string }) => q.name)).toEqual([Q]);
    // The failures list keeps the real names: it is bounded (the last 50) and is where to look.
    expect(status.recentFailures[0].task).toBe(`made.up.${N - 1}`);
  } finally {
    await new Promise((r) => server.close(r));
    await worker.stop(1000);
    await broker.close();
  }
}, 30_000);
