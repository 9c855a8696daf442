import type { AddressInfo } from 'node:net';
import { createAmqpBroker } from '@warren/amqp';

import { defineConfig, defineTask, MemoryResultStore, NonRetriableError, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createLogger, createObservability, queueStatsFrom, serveStatus } from '@warren/observability';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { renderStatus } from '../../packages/cli/src/commands/status';
import { sample } from './prom-text';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `obs-dlq-${uuidv7().slice(-8)}`;

afterAll(async () => {
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [Q, `${Q}.dlq`]) await ch.deleteQueue(q);
  await conn.close();
});

// The status surfaces counted failures only as this process's events since it started: after a
// restart, and always on an ingest (it runs no job), /status.json, the dashboard and warren status
// said 0 failed and 'No failures — all quiet' while jobs waited in <queue>.dlq.
it('a process that did not fail the jobs reports the dead letters waiting in the DLQ', async () => {
  const config = defineConfig({
    tasks: [
      defineTask({
        name: 'dlq.bad',
        queue: Q,
        input: z.unknown(),
        handler: () => {
          throw new NonRetriableError('bad input');
        },
      }),
    ],
    queues: { [Q]: { type: 'classic' } },
  });
  const logger = createLogger({ level: 'silent' });
  const broker = createAmqpBroker({ urls: [URL], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  const worker = createWorker({ config, consumer: broker.consumer, results: new MemoryResultStore() });
  // Another process on the same broker (an ingest, or this worker restarted): no job event of its own.
  const ingestObs = createObservability({
    config,
    logger,
    queueStats: queueStatsFrom(broker),
    roles: ['enqueue'],
  });
  const server = await serveStatus(ingestObs, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await worker.start();
    for (let i = 0; i < 2; i++) await broker.publisher.publish(Q, makeJob({ task: 'dlq.bad', queue: Q }));
    const row = await eventually(async () => {
      const snap = await (await fetch(`${base}/status.json`)).json();
      const q = snap.queues.find((x: { name: string }) => x.name === Q);
      return q?.deadLetters === 2 ? q : undefined;
    }, 10_000);
    expect(row.totals.failed).toBe(0); // this process failed none of them
    const text = renderStatus(await ingestObs.status());
    const header = text.split('\n').find((l) => /^ +QUEUE /.test(l))!;
    const line = text.split('\n').find((l) => l.trimStart().startsWith(Q))!;
    const dlq = header.trim().split(/\s+/).indexOf('DLQ');
    expect(dlq).toBeGreaterThan(0);
    expect(line.trim().split(/\s+/)[dlq]).toBe('2');
    const scrape = await (await fetch(`${base}/metrics`)).text();
    expect(sample(scrape, 'warren_queue_dead_letters', { queue: Q })).toBe(2);
    expect(sample(scrape, 'warren_queue_dead_lettered_total', { queue: Q })).toBe(0); // this process's
  } finally {
    await new Promise((r) => server.close(r));
    await worker.stop(1000);
    await broker.close();
  }
}, 20_000);
