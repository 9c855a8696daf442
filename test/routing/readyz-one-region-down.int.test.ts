import { randomUUID } from 'node:crypto';
import { defineConfig, defineTask, MemoryResultStore } from '@warren/core';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type BrokerRuntime, brokerFromEnv } from '../../packages/cli/src/runtime/broker-from-env';
import { startIngest } from '../../packages/cli/src/runtime/ingest-server';
import { freePort } from '../support/ports';

/**
 * `warren ingest` with two located regions: its own (eu, the shared RabbitMQ) and a far one (us)
 * whose broker is down (nothing listens on its port). The ingest still takes every job (a caller
 * nearest us fails over to eu), so /readyz must not take it out of a load balancer's rotation:
 * one region's outage would otherwise stop every ingest, in every region, at once.
 */
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const queue = `readyz-down-${randomUUID().slice(0, 8)}`;
let rt: BrokerRuntime | undefined;
let server: { close(): unknown } | undefined;

afterAll(async () => {
  server?.close();
  await rt?.close();
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [queue, `${queue}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

describe('/readyz of a multi-region ingest with one region down', () => {
  it('is ready (200) while a region takes jobs, the down region named in its check', async () => {
    const dead = await freePort();
    const config = defineConfig({
      region: 'eu',
      regions: [
        { id: 'eu', location: { lat: 53.3, lon: -6.3 }, brokers: [URL] },
        { id: 'us', location: { lat: 38.9, lon: -77.0 }, brokers: [`amqp://guest:guest@127.0.0.1:${dead}`] },
      ],
      queues: { [queue]: {} },
      tasks: [defineTask({ name: 'rd.noop', queue, input: z.unknown() })],
    });
    rt = await brokerFromEnv(config, {});
    const started = await startIngest(config, { ...rt, results: new MemoryResultStore(), describe: [] }, 0);
    server = started.server;
    const { app } = started;
    // A caller nearest the down region: accepted in eu.
    const res = await app.request('/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-iplatitude': '40.7', 'cf-iplongitude': '-74' },
      body: JSON.stringify({ task: 'rd.noop', input: 1 }),
    });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { region: string }).region).toBe('eu');
    const ready = await app.request('/readyz');
    const body = (await ready.json()) as {
      ok: boolean;
      checks: Record<string, { ok: boolean; error?: string }>;
    };
    console.log(ready.status, JSON.stringify(body.checks));
    expect(body.checks['broker:us']).toMatchObject({ ok: false, error: expect.stringContaining('us') });
    expect(body.checks['broker:eu']).toMatchObject({ ok: true });
    // Before: 503, though the ingest accepts every job.
    expect(ready.status).toBe(200);
    expect(body.ok).toBe(true);
  }, 30_000);
});
