import type { AddressInfo } from 'node:net';
import { defineConfig } from '@warren/core';
import { createLogger, createObservability, serveStatus } from '@warren/observability';
import { expect, it } from 'vitest';

// POST /metrics (a push gateway client pointed at the wrong URL, a typo'd curl) answered 404
// 'not found', as if the route did not exist; the ingest's own routes answer 405 with Allow.
it('/metrics and /status.json answer another method with 405 and Allow, keyed or not', async () => {
  const key = 'methods-key-0123456789';
  for (const keys of [[], [{ key }]]) {
    const config = defineConfig({ tasks: [], auth: { keys } });
    const obs = createObservability({ config, logger: createLogger({ level: 'silent' }) });
    const server = await serveStatus(obs, 0, '127.0.0.1');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const headers = keys.length ? { authorization: `Bearer ${key}` } : undefined;
    try {
      for (const path of ['/metrics', '/status.json']) {
        for (const method of ['POST', 'DELETE']) {
          const res = await fetch(`${base}${path}`, { method, headers });
          expect(res.status, `${method} ${path}`).toBe(405);
          expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
          expect(res.headers.get('content-type')).toBe('application/problem+json');
        }
        expect((await fetch(`${base}${path}`, { headers })).status).toBe(200);
      }
    } finally {
      await new Promise((r) => server.close(r));
    }
  }
});
