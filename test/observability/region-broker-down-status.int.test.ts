import { randomUUID } from 'node:crypto';
import { defineConfig, defineTask, MemoryResultStore } from '@warren/core';
import { createLogger, createObservability } from '@warren/observability';
import amqp from 'amqplib';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { renderStatus } from '../../packages/cli/src/commands/status';
import { createRuntime, type Runtime } from '../../packages/cli/src/runtime/create-runtime';
import { startIngest } from '../../packages/cli/src/runtime/ingest-server';
import { freePort } from '../support/ports';
import { sample } from './prom-text';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const queue = `obs-far-${randomUUID().slice(0, 8)}`;
let rt: Runtime | undefined;
let server: { close(): unknown } | undefined;

afterAll(async () => {
  server?.close();
  await rt?.close();
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [queue, `${queue}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

// A region's circuit learns only from publishes: a region no job was routed to (the failover
// target) read 'closed', 'healthy' on the dashboard, while /readyz said its broker was down.
it("/status.json (the dashboard's data), warren status and /metrics say a region's broker is down before any job went there", async () => {
  const dead = await freePort();
  const config = defineConfig({
    region: 'eu',
    regions: [
      { id: 'eu', location: { lat: 53.3, lon: -6.3 }, brokers: [URL] },
      { id: 'ap', location: { lat: 19.1, lon: 72.9 }, brokers: [`amqp://guest:guest@127.0.0.1:${dead}`] },
    ],
    queues: { [queue]: {} },
    tasks: [defineTask({ name: 'far.noop', queue, input: z.unknown() })],
  });
  rt = await createRuntime(
    config,
    { REDIS_URL: 'redis://127.0.0.1:6379' },
    { command: 'warren ingest', producerOnly: true },
  );
  const obs = createObservability({ config, logger: createLogger({ level: 'silent' }), roles: ['enqueue'] });
  const started = await startIngest(config, { ...rt, results: new MemoryResultStore() }, 0, obs);
  server = started.server;
  expect((await started.app.request('/readyz')).status).toBe(503); // the truth: ap is down

  const snap = await (await started.app.request('/status.json')).json();
  const byId = Object.fromEntries(snap.regions.map((r: { id: string }) => [r.id, r]));
  expect(byId.ap).toMatchObject({ state: 'closed', connected: false });
  expect(byId.eu).toMatchObject({ state: 'closed', connected: true });
  const apRow = renderStatus(snap)
    .split('\n')
    .find((l) => l.trimStart().startsWith('ap '))!;
  expect(apRow).toContain('broker down');
  const text = await (await started.app.request('/metrics')).text();
  expect(sample(text, 'warren_region_broker_connected', { region: 'ap' })).toBe(0);
  expect(sample(text, 'warren_region_broker_connected', { region: 'eu' })).toBe(1);
}, 20_000);
