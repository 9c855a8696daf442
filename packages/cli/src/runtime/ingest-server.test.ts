import { defineConfig, MemoryBroker, MemoryResultStore } from '@warren/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from './create-runtime';
import { startIngest } from './ingest-server';

const runtime = (regions: string[]): Runtime => ({
  publishers: new Map(regions.map((r) => [r, new MemoryBroker()])),
  consumer: new MemoryBroker(),
  results: new MemoryResultStore(),
  checks: {},
  brokers: new Map(),
  describe: [],
  close: async () => {},
});

describe('startIngest (warren ingest and warren dev)', () => {
  const servers: { close(): unknown }[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });

  it('/readyz lists each region with its circuit state when the ingest routes between located regions', async () => {
    const config = defineConfig({
      region: 'eu',
      regions: [
        { id: 'eu', location: { lat: 53.3, lon: -6.3 }, brokers: ['amqp://eu'] },
        { id: 'us', location: { lat: 39, lon: -77.5 }, brokers: ['amqp://us'] },
      ],
      tasks: [],
    });
    const { app, server } = await startIngest(config, runtime(['eu', 'us']), 0);
    servers.push(server);
    const body = (await (await app.request('/readyz')).json()) as { details?: { regions?: unknown[] } };
    expect(body.details?.regions).toEqual([
      expect.objectContaining({ id: 'eu', state: 'closed' }),
      expect.objectContaining({ id: 'us', state: 'closed' }),
    ]);
  });

  it('/readyz carries no details when there is nothing to route between (embedded dev)', async () => {
    const config = defineConfig({ tasks: [] });
    const { app, server } = await startIngest(config, runtime([config.region]), 0);
    servers.push(server);
    const body = (await (await app.request('/readyz')).json()) as Record<string, unknown>;
    expect(body).toEqual({ ok: true, checks: { results: expect.objectContaining({ ok: true }) } });
  });
});
