import type { AddressInfo } from 'node:net';
import { defineConfig, defineTask } from '@warren/core';
import { createLogger, createObservability, serveStatus } from '@warren/observability';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';

// A worker's or forwarder's status port answers /status.json (recent failures quoting job error
// messages, which task code and its inputs shape), /metrics and /healthz: as the ingest's answers,
// each says X-Content-Type-Options: nosniff, so no client takes one for another type.
const config = defineConfig({
  tasks: [defineTask({ name: 'demo.echo', input: z.unknown(), handler: (x) => x })],
});
let server: Awaited<ReturnType<typeof serveStatus>>;
let base = '';

beforeAll(async () => {
  const obs = createObservability({ config, logger: createLogger({ level: 'silent' }) });
  server = await serveStatus(obs, 0, '127.0.0.1');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server?.close(r)));

it('says nosniff on /status.json, /metrics, /healthz and a 404', async () => {
  for (const path of ['/status.json', '/metrics', '/healthz', '/%3Cimg%20src=x%3E']) {
    const res = await fetch(`${base}${path}`);
    await res.arrayBuffer();
    expect({ path, nosniff: res.headers.get('x-content-type-options') }).toEqual({
      path,
      nosniff: 'nosniff',
    });
  }
});
