import type { AddressInfo } from 'node:net';
import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { createLogger, createObservability, queueStatsFrom, serveStatus } from '@warren/observability';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun } from '../ingest/support';

// Every /status.json and every scrape read each queue from the broker, each read a passive declare
// on a channel opened and closed for it: each open dashboard (it polls every 1.5 s) and each
// Prometheus replica added one channel open/close per queue per poll, channel churn on the broker
// growing with the number of people watching. Reads are now shared for half a second.
it('dashboards and scrapes within half a second share one broker read per queue', async () => {
  const q = `obs-churn-${uuidv7().slice(-8)}`;
  const config = defineConfig({
    tasks: [defineTask({ name: 'churn.job', queue: q, input: z.unknown() })],
    queues: { [q]: { type: 'classic' } },
  });
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  const read = queueStatsFrom(broker)!;
  const reads: string[] = [];
  const obs = createObservability({
    config,
    logger: createLogger({ level: 'silent' }),
    queueStats: (name) => {
      reads.push(name);
      return read(name);
    },
    queues: () => [q],
  });
  const server = await serveStatus(obs, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await broker.ensureQueue(q);
    const t0 = Date.now();
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => fetch(`${base}/status.json`).then((r) => r.json())),
      ...Array.from({ length: 2 }, () => fetch(`${base}/metrics`).then((r) => r.text())),
    ]);
    const elapsed = Date.now() - t0;
    expect(answers[0].queues.find((r: { name: string }) => r.name === q).depth).toBe(0);
    // One read per half second at most (a loaded machine may spread the requests over several).
    expect(reads.filter((n) => n === q).length).toBeLessThanOrEqual(1 + Math.floor(elapsed / 500));
  } finally {
    await new Promise((r) => server.close(r));
    await broker.close();
    await cleanUpRun(q, undefined, '');
  }
}, 30_000);
