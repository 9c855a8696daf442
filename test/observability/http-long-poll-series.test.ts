import { createProducer, defineConfig, defineTask, MemoryBroker, MemoryResultStore } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createLogger, createObservability } from '@warren/observability';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { portInRange } from './browser';
import { sample } from './prom-text';

// A long-poll (GET /v1/jobs/:id?wait=…) waits on purpose, up to 30 s, and was observed in the
// same warren_http_request_duration_seconds series as a plain read of the job: p99 read latency
// (and any alert on it) showed the waits, not the reads. Long-polls get their own route value,
// '/v1/jobs/:id?wait' (one more per route, so the label stays bounded).
it('long-polls are timed apart from plain reads of a job', async () => {
  const config = defineConfig({
    tasks: [defineTask({ name: 'lp.job', input: z.unknown(), handler: (x) => x })],
  });
  const obs = createObservability({ config, logger: createLogger({ level: 'silent' }) });
  const results = new MemoryResultStore();
  const publishers = new Map([[config.region, new MemoryBroker()]]);
  const producer = createProducer({ config, publishers, results });
  const app = createIngestApp({ config, producer, results, onRequest: obs.onRequest, extend: obs.extend });
  const port = await portInRange();
  const server = await serveNode(app, port, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  try {
    const posted = await fetch(`${base}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'lp.job', input: 1 }),
    });
    const { id } = (await posted.json()) as { id: string };
    // No worker: the job stays queued, so the long-poll waits its whole 400 ms.
    for (const q of ['', '?wait=0', '', '?wait=400ms']) {
      const res = await fetch(`${base}/v1/jobs/${id}${q}`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const text = await (await fetch(`${base}/metrics`)).text();
    const read = { route: '/v1/jobs/:id', method: 'GET' };
    const poll = { route: '/v1/jobs/:id?wait', method: 'GET' };
    const h = 'warren_http_request_duration_seconds';
    expect(sample(text, `${h}_count`, read)).toBe(3);
    expect(sample(text, `${h}_sum`, read)).toBeLessThan(0.3);
    expect(sample(text, `${h}_count`, poll)).toBe(1);
    expect(sample(text, `${h}_sum`, poll)).toBeGreaterThanOrEqual(0.39);
    expect(sample(text, 'warren_http_requests_total', { ...read, status: '200' })).toBe(3);
    expect(sample(text, 'warren_http_requests_total', { ...poll, status: '200' })).toBe(1);
  } finally {
    await new Promise((r) => server.close(r));
  }
});
