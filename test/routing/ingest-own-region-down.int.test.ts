import { randomUUID } from 'node:crypto';
import { defineConfig, defineTask, MemoryResultStore } from '@warren/core';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRuntime, type Runtime } from '../../packages/cli/src/runtime/create-runtime';
import { startIngest } from '../../packages/cli/src/runtime/ingest-server';
import { freePort } from '../support/ports';

/**
 * `warren ingest` (and the Lambda ingest, which builds the same runtime on each cold start) in
 * region eu, whose broker is down (nothing listens on its port); region us is the shared RabbitMQ.
 * The ingest fails over to us for every job, so it must start: refusing to, a restart or a Lambda
 * cold start during eu's outage (an Amazon MQ maintenance window) turned that outage into the
 * ingest's own. Real RabbitMQ and Redis (the runtime's store; the ingest's records go to memory).
 */
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const queue = `own-down-${randomUUID().slice(0, 8)}`;
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

describe('an ingest whose own region is down at start', () => {
  it('starts, takes jobs in the other region, and says eu is down in /readyz', async () => {
    const dead = await freePort();
    const config = defineConfig({
      region: 'eu',
      regions: [
        { id: 'eu', location: { lat: 53.3, lon: -6.3 }, brokers: [`amqp://guest:guest@127.0.0.1:${dead}`] },
        { id: 'us', location: { lat: 38.9, lon: -77.0 }, brokers: [URL] },
      ],
      queues: { [queue]: {} },
      auth: { keys: [{ key: 'own-region-down-key-0123456789' }] },
      tasks: [defineTask({ name: 'od.noop', queue, input: z.unknown() })],
    });
    // As `warren ingest` and the Lambda ingest ask for it.
    rt = await createRuntime(
      config,
      { REDIS_URL: 'redis://127.0.0.1:6379' },
      { command: 'warren ingest', producerOnly: true },
    );
    const started = await startIngest(config, { ...rt, results: new MemoryResultStore() }, 0);
    server = started.server;
    const res = await started.app.request('/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer own-region-down-key-0123456789' },
      body: JSON.stringify({ task: 'od.noop', input: 1 }),
    });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { region: string }).region).toBe('us');
    const ready = await started.app.request('/readyz');
    const body = (await ready.json()) as { checks: Record<string, { ok: boolean }> };
    // Issue #5: /readyz needs each region's broker: 503, naming the one down.
    expect(ready.status).toBe(503);
    expect(body.checks['broker:eu']).toMatchObject({ ok: false });
    expect(body.checks['broker:us']).toMatchObject({ ok: true });
  }, 30_000);

  it('still refuses to start when no region can be reached', async () => {
    const config = defineConfig({
      region: 'eu',
      regions: [
        {
          id: 'eu',
          location: { lat: 53.3, lon: -6.3 },
          brokers: [`amqp://guest:guest@127.0.0.1:${await freePort()}`],
        },
        {
          id: 'us',
          location: { lat: 38.9, lon: -77.0 },
          brokers: [`amqp://guest:guest@127.0.0.1:${await freePort()}`],
        },
      ],
      tasks: [defineTask({ name: 'od.noop', queue, input: z.unknown() })],
    });
    await expect(
      createRuntime(
        config,
        { REDIS_URL: 'redis://127.0.0.1:6379' },
        { command: 'warren ingest', producerOnly: true },
      ),
    ).rejects.toThrow(/ECONNREFUSED/);
  }, 30_000);
});
