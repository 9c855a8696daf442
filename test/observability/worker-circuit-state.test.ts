import type { AddressInfo } from 'node:net';
import { defineConfig } from '@warren/core';
import { createLogger, createObservability, serveStatus } from '@warren/observability';
import { expect, it } from 'vitest';
import { parseProm } from './prom-text';

// A worker or forwarder publishes nothing and has no router, yet its /metrics said every region's
// circuit was closed (and /status.json listed them closed, 0 failures): made-up figures that
// contradict the ingest's when a dashboard or alert aggregates the gauge over every process.
it('a process that does not publish reports no circuit state', async () => {
  const config = defineConfig({
    tasks: [],
    region: 'eu',
    regions: [
      { id: 'eu', location: { lat: 50, lon: 8 } },
      { id: 'us', location: { lat: 39, lon: -77 } },
    ],
  });
  const obs = createObservability({ config, logger: createLogger({ level: 'silent' }) });
  const server = await serveStatus(obs, 0, '127.0.0.1');
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(parseProm(text).filter((s) => s.name === 'warren_region_circuit_state')).toEqual([]);
    expect((await (await fetch(`${base}/status.json`)).json()).regions).toEqual([]);
    // Once it publishes (producer events without a router), the regions it confirmed to show up.
    obs.producerEvents({
      type: 'publish',
      ok: true,
      region: 'us',
      latencyMs: 12,
      job: { id: 'x', task: 't', queue: 'q' },
    } as Parameters<typeof obs.producerEvents>[0]);
    const after = await (await fetch(`${base}/status.json`)).json();
    expect(after.regions.map((r: { id: string }) => r.id)).toContain('us');
  } finally {
    await new Promise((r) => server.close(r));
  }
});
