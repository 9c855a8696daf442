import type { AddressInfo } from 'node:net';
import { createProducer, defineConfig, defineTask, MemoryBroker, MemoryResultStore } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { createLogger, createObservability, serveStatus } from '@warren/observability';
import { expect, it } from 'vitest';
import { z } from 'zod';

// /metrics and /status.json answered 401 as {"type":"about:blank","title":"Unauthorized"} with
// WWW-Authenticate: Bearer, while every other ingest route answers RFC 9457 problem+json with a
// type URL, a detail and the instance, and Bearer realm="warren": a client (or an alert on the
// problem type) had to know two shapes for one error.
const key = 'status-auth-key-0123456789';
const config = defineConfig({
  tasks: [defineTask({ name: 'demo.echo', input: z.unknown(), handler: (x) => x })],
  auth: { keys: [{ key }] },
});

function ingest() {
  const obs = createObservability({ config, logger: createLogger({ level: 'silent' }) });
  const results = new MemoryResultStore();
  const publishers = new Map([[config.region, new MemoryBroker()]]);
  const producer = createProducer({ config, publishers, results });
  return createIngestApp({ config, producer, results, extend: obs.extend, onRequest: obs.onRequest });
}

async function shape(res: Response) {
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    wwwAuthenticate: res.headers.get('www-authenticate'),
    body: await res.json(),
  };
}

it("the ingest's /metrics and /status.json answer 401 and 400 as the API routes do", async () => {
  const app = ingest();
  const cases: [Record<string, string>, number, string][] = [
    [{}, 401, 'missing Authorization: Bearer <key>'],
    [{ authorization: 'Basic abc' }, 401, 'malformed Authorization header'],
    [{ authorization: 'Bearer not-the-key-0123456789' }, 401, 'invalid API key'],
    [{ authorization: `Bearer ${key}, Bearer ${key}` }, 400, 'more than one Authorization header'],
  ];
  for (const [headers, status, detail] of cases) {
    const api = await shape(await app.request('/v1/jobs/some-id', { headers }));
    expect(api.status).toBe(status);
    expect(api.body.detail).toBe(detail);
    for (const path of ['/metrics', '/status.json']) {
      const got = await shape(await app.request(path, { headers }));
      expect(got, `${path} ${JSON.stringify(headers)}`).toEqual({
        ...api,
        body: { ...api.body, instance: path },
      });
    }
  }
  expect((await app.request('/metrics', { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
});

it("a worker's status port (serveStatus) answers 401 the same way over HTTP", async () => {
  const obs = createObservability({ config, logger: createLogger({ level: 'silent' }) });
  const server = await serveStatus(obs, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const path of ['/metrics', '/status.json']) {
      expect(await shape(await fetch(base + path))).toEqual({
        status: 401,
        contentType: 'application/problem+json',
        wwwAuthenticate: 'Bearer realm="warren"',
        body: {
          type: 'https://warren.dev/problems/unauthorized',
          title: 'unauthorized',
          status: 401,
          detail: 'missing Authorization: Bearer <key>',
          instance: path,
        },
      });
      const ok = await fetch(base + path, { headers: { authorization: `Bearer ${key}` } });
      expect(ok.status).toBe(200);
      await ok.arrayBuffer();
    }
  } finally {
    await new Promise((r) => server.close(r));
  }
});

// A key limited to task patterns (auth.keys[].tasks) may not read another task's job (403 on
// GET /v1/jobs/:id), but /status.json gave it every task's recent failures (job ids and error
// messages) and /metrics every queue and task: what the scope hides on one route, the status
// routes showed. They need a key without a task limit; a scoped one is a 403 as on /v1.
it('a key limited to some tasks is refused on /metrics and /status.json with a 403 problem', async () => {
  const scoped = 'status-scoped-key-0123456789';
  const cfg = defineConfig({
    tasks: [defineTask({ name: 'demo.echo', input: z.unknown(), handler: (x) => x })],
    auth: { keys: [{ key }, { key: scoped, name: 'emails', tasks: ['email.*'] }] },
  });
  const obs = createObservability({ config: cfg, logger: createLogger({ level: 'silent' }) });
  const server = await serveStatus(obs, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const path of ['/metrics', '/status.json']) {
      const res = await fetch(base + path, { headers: { authorization: `Bearer ${scoped}` } });
      const got = await shape(res);
      expect(got).toMatchObject({
        status: 403,
        contentType: 'application/problem+json',
        body: { type: 'https://warren.dev/problems/forbidden', status: 403, instance: path },
      });
      expect(got.body.detail).toMatch(/"emails".*without a task limit/);
      const ok = await fetch(base + path, { headers: { authorization: `Bearer ${key}` } });
      expect(ok.status).toBe(200);
      await ok.arrayBuffer();
    }
  } finally {
    await new Promise((r) => server.close(r));
  }
});
