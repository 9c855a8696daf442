import { randomUUID } from 'node:crypto';
import { defineConfig, defineTask, MemoryResultStore } from '@warren/core';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRuntime, type Runtime } from '../../packages/cli/src/runtime/create-runtime';
import { startIngest } from '../../packages/cli/src/runtime/ingest-server';
import { freePort } from '../support/ports';

/**
 * `warren ingest` in region a (its own broker: the shared RabbitMQ on :5672) with a second region b
 * whose broker is down (nothing listens on its port). The ingest fails over to a, so it is ready:
 * a load balancer or DNS health check on /readyz must not take every region's ingest out of
 * service because one other region is down. Its own region's broker and the store stay required.
 */
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const queue = `rz-remote-${randomUUID().slice(0, 8)}`;
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

describe('/readyz of a multi-region ingest with another region down', () => {
  it('is 200 (the region is named failed, with its circuit), and jobs for it land in the own region', async () => {
    const deadPort = await freePort();
    const config = defineConfig({
      region: 'a',
      regions: [
        { id: 'a', location: { lat: 53.3, lon: -6.3 }, brokers: [URL] },
        {
          id: 'b',
          location: { lat: 38.9, lon: -77.0 },
          brokers: [`amqp://guest:guest@127.0.0.1:${deadPort}`],
        },
      ],
      queues: { [queue]: {} },
      tasks: [defineTask({ name: 'rz.noop', queue, input: z.unknown() })],
    });
    rt = await createRuntime(config, { REDIS_URL: 'redis://127.0.0.1:6379' });
    // Jobs are recorded in memory: this test writes no keys to the shared Redis.
    const started = await startIngest(
      config,
      { ...rt, results: new MemoryResultStore() },
      0,
      undefined,
      '127.0.0.1',
    );
    server = started.server;
    const res = await started.app.request('/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'rz.noop', input: 1, region: 'b' }),
    });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { region: string }).region).toBe('a');
    const ready = await started.app.request('/readyz');
    const body = (await ready.json()) as {
      ok: boolean;
      checks: Record<string, { ok: boolean }>;
      details?: { regions?: { id: string; state: string }[] };
    };
    console.log(`/readyz ${ready.status} ${JSON.stringify(body)}`);
    expect(body.checks['broker:a']?.ok).toBe(true);
    expect(body.checks['broker:b']?.ok).toBe(false);
    expect(body.details?.regions?.find((r) => r.id === 'b')?.state).toBe('open');
    expect(ready.status).toBe(200);
    expect(body.ok).toBe(true);
  }, 30_000);
});
