import { type JobEnvelope, MemoryResultStore, TransportError } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { KEY_ALL, KEY_EMAIL, testIngest } from './testing-helpers';

const auth = { keys: [{ key: KEY_ALL }, { key: KEY_EMAIL, name: 'mailer', tasks: ['email.*'] }] };
const post = (
  app: ReturnType<typeof testIngest>['app'],
  body: unknown,
  headers: Record<string, string> = {},
  path = '/v1/jobs',
) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_ALL}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const problemOf = async (res: Response) => {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return res.json();
};

describe('ingest HTTP contract (memory adapters)', () => {
  it('202 with the job, its region and a Location header; the record is readable at once', async () => {
    const { app } = testIngest({ config: { auth } });
    const res = await post(app, { task: 'demo.add', input: { a: 1, b: 2 } });
    expect(res.status).toBe(202);
    const job = await res.json();
    expect(job).toMatchObject({ task: 'demo.add', queue: 'default', state: 'queued', region: 'local' });
    expect(res.headers.get('location')).toBe(job.links.self);
    const rec = await app.request(`/v1/jobs/${job.id}`, { headers: { authorization: `Bearer ${KEY_ALL}` } });
    expect(await rec.json()).toMatchObject({ id: job.id, state: 'queued', input: { a: 1, b: 2 } });
  });

  it('replays a repeated idempotency key (body or header) with 200 and publishes once', async () => {
    const { app, broker } = testIngest({ config: { auth } });
    const a = await post(app, { task: 'demo.add', input: { a: 1, b: 2 } }, { 'idempotency-key': 'order-42' });
    const b = await post(app, { task: 'demo.add', input: { a: 1, b: 2 }, idempotencyKey: 'order-42' });
    expect(a.status).toBe(202);
    expect(b.status).toBe(200);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect((await b.json()).id).toBe((await a.json()).id);
    expect(broker.depth('default')).toBe(1);
  });

  it('400 names unknown and invalid fields; 400 for broken JSON', async () => {
    const { app } = testIngest({ config: { auth } });
    const res = await post(app, { task: 'demo.add', delayMs: -5, colour: 'red' });
    expect(res.status).toBe(400);
    const p = await problemOf(res);
    expect(p.errors.map((e: { path: string }) => e.path).sort()).toEqual(['colour', 'delayMs']);
    const broken = await post(app, '{"task":');
    expect(broken.status).toBe(400);
    expect((await problemOf(broken)).errors[0].path).toBe('(body)');
    const arr = await post(app, [1, 2]);
    expect(arr.status).toBe(400);
  });

  it('401 without or with a wrong key, 403 for a task outside the key patterns', async () => {
    const { app } = testIngest({ config: { auth } });
    expect((await post(app, { task: 'demo.add' }, { authorization: '' })).status).toBe(401);
    expect((await post(app, { task: 'demo.add' }, { authorization: 'Bearer nope' })).status).toBe(401);
    const forbidden = await post(
      app,
      { task: 'demo.add', input: { a: 1, b: 1 } },
      { authorization: `Bearer ${KEY_EMAIL}` },
    );
    expect(forbidden.status).toBe(403);
    await problemOf(forbidden);
    const ok = await post(
      app,
      { task: 'email.send', input: { to: 'a@b.co' } },
      { authorization: `Bearer ${KEY_EMAIL}` },
    );
    expect(ok.status).toBe(202);
  });

  it('403 at once for a job of a task outside the key, even with ?wait (no long-poll first)', async () => {
    const { app } = testIngest({ config: { auth } });
    const job = await (await post(app, { task: 'demo.add', input: { a: 1, b: 2 } })).json();
    const started = Date.now();
    const res = await app.request(`/v1/jobs/${job.id}?wait=3s`, {
      headers: { authorization: `Bearer ${KEY_EMAIL}` },
    });
    expect(res.status).toBe(403);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('413 over the body limit, 415 for non-JSON', async () => {
    const { app } = testIngest({ config: { auth, ingest: { bodyLimitBytes: 1024 } } });
    const big = await post(app, { task: 'demo.echo', input: 'x'.repeat(2000) });
    expect(big.status).toBe(413);
    await problemOf(big);
    const text = await post(app, 'task=demo.add', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    await problemOf(text);
  });

  it('422 for an unknown task, an unknown queue, and input failing the task schema', async () => {
    const { app } = testIngest({ config: { auth } });
    for (const [body, path] of [
      [{ task: 'nope' }, 'task'],
      [{ task: 'demo.add', input: { a: 1, b: 2 }, queue: 'elsewhere' }, 'queue'],
      [{ task: 'email.send', input: { to: 'not-an-email' } }, 'input.to'],
      [{ task: 'demo.add', input: { a: 1, b: 2 }, priority: 5 }, 'priority'],
    ] as const) {
      const res = await post(app, body);
      expect(res.status).toBe(422);
      expect((await problemOf(res)).errors[0].path).toBe(path);
    }
  });

  it('429 with Retry-After when the queue is full', async () => {
    const { app } = testIngest({ config: { auth, queues: { full: {} } } });
    const res = await post(app, { task: 'demo.add', input: { a: 1, b: 2 }, queue: 'full' });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    await problemOf(res);
  });

  it('503 with Retry-After when no region confirms; a retry with the same key publishes the same job id', async () => {
    // A publish that timed out or lost its connection before the confirm may still have landed.
    // Had the key been released, the retry would publish a second job under a new id and both
    // would run; under the same id the worker runs it once.
    const sent: string[] = [];
    let up = false;
    const flaky = {
      publish: async (_q: string, job: { id: string }) => {
        sent.push(job.id);
        if (!up) throw new TransportError('connection lost before the broker confirmed', true);
      },
      close: async () => {},
    };
    const { app, results } = testIngest({ config: { auth }, publishers: new Map([['local', flaky]]) });
    const body = { task: 'demo.add', input: { a: 1, b: 2 }, idempotencyKey: 'k-503' };
    const res = await post(app, body);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
    await problemOf(res);
    expect(await results.get(sent[0]!)).toBeUndefined(); // nothing recorded
    up = true;
    const again = await post(app, body);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect((await again.json()).id).toBe(sent[0]);
    expect(sent).toEqual([sent[0], sent[0]]);
    const replay = await post(app, body);
    expect(replay.status).toBe(200);
    expect((await replay.json()).id).toBe(sent[0]);
  });

  it('a refused publish (queue full) releases the key: nothing was enqueued under it', async () => {
    const { app, results } = testIngest({ config: { auth, queues: { full: {} } } });
    const res = await post(app, {
      task: 'demo.add',
      input: { a: 1, b: 2 },
      queue: 'full',
      idempotencyKey: 'k-429',
    });
    expect(res.status).toBe(429);
    const fresh = '01920000-0000-7000-8000-00000000abcd';
    expect(await results.claimIdempotencyKey('k-429', fresh, 60)).toBe(fresh);
  });

  it('404 for unknown jobs and routes, as problem+json', async () => {
    const { app } = testIngest({ config: { auth } });
    const h = { authorization: `Bearer ${KEY_ALL}` };
    expect((await app.request('/v1/jobs/01920000-0000-7000-8000-000000000000', { headers: h })).status).toBe(
      404,
    );
    expect((await app.request('/v1/jobs/not-an-id', { headers: h })).status).toBe(404);
    await problemOf(await app.request('/nope'));
  });

  it('cancels a queued job with DELETE, then answers 409', async () => {
    const { app } = testIngest({ config: { auth } });
    const h = { authorization: `Bearer ${KEY_ALL}` };
    const job = await (await post(app, { task: 'demo.add', input: { a: 1, b: 2 }, delayMs: 60_000 })).json();
    const del = await app.request(`/v1/jobs/${job.id}`, { method: 'DELETE', headers: h });
    expect(del.status).toBe(200);
    expect((await del.json()).state).toBe('cancelled');
    const again = await app.request(`/v1/jobs/${job.id}`, { method: 'DELETE', headers: h });
    expect(again.status).toBe(409);
    await problemOf(again);
  });

  it('long-polls with ?wait until the job finishes', async () => {
    const { app, results } = testIngest({ config: { auth } });
    const h = { authorization: `Bearer ${KEY_ALL}` };
    const job = await (await post(app, { task: 'demo.add', input: { a: 1, b: 2 } })).json();
    setTimeout(async () => {
      await results.transition(job.id, 'running', { owner: 'w', attempts: 1 });
      await results.transition(job.id, 'succeeded', { owner: 'w', result: 3 });
    }, 300);
    const t0 = Date.now();
    const rec = await (await app.request(`/v1/jobs/${job.id}?wait=5s`, { headers: h })).json();
    expect(rec).toMatchObject({ state: 'succeeded', result: 3 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect((await app.request(`/v1/jobs/${job.id}?wait=soon`, { headers: h })).status).toBe(400);
  });

  it("long-polls through the store's own waitFor when it has one; a missing job is 404 at once", async () => {
    const calls: Array<{ id: string; timeoutMs: number }> = [];
    // A store that hears of completions, as the TCP Redis store does: answers when told.
    const results = Object.assign(new MemoryResultStore(), {
      waitFor: async (id: string, timeoutMs: number) => {
        calls.push({ id, timeoutMs });
        await finished;
        return results.get(id);
      },
    });
    let finish = () => {};
    const finished = new Promise<void>((r) => {
      finish = r;
    });
    const { app } = testIngest({ config: { auth }, results });
    const h = { authorization: `Bearer ${KEY_ALL}` };
    const job = await (await post(app, { task: 'demo.add', input: { a: 1, b: 2 } })).json();
    const polled = app.request(`/v1/jobs/${job.id}?wait=5s`, { headers: h });
    await results.transition(job.id, 'running', { owner: 'w', attempts: 1 });
    await results.transition(job.id, 'succeeded', { owner: 'w', result: 3 });
    finish();
    expect(await (await polled).json()).toMatchObject({ state: 'succeeded', result: 3 });
    expect(calls).toEqual([{ id: job.id, timeoutMs: 5000 }]);

    // Finished or missing: answered from the first read, the store is not asked to wait.
    expect((await app.request(`/v1/jobs/${job.id}?wait=5s`, { headers: h })).status).toBe(200);
    const missing = await app.request('/v1/jobs/01920000-0000-7000-8000-00000000dead?wait=5s', {
      headers: h,
    });
    expect(missing.status).toBe(404);
    expect(calls).toHaveLength(1);
  });

  it('batches: 202 when all are accepted, 207 with per-item problems when mixed', async () => {
    const { app } = testIngest({ config: { auth } });
    const ok = await post(
      app,
      { jobs: [{ task: 'demo.add', input: { a: 1, b: 2 } }, { task: 'demo.echo' }] },
      {},
      '/v1/jobs/batch',
    );
    expect(ok.status).toBe(202);
    expect((await ok.json()).results.map((r: { status: number }) => r.status)).toEqual([202, 202]);
    const mixed = await post(
      app,
      { jobs: [{ task: 'demo.echo' }, { task: 'nope' }, { tusk: 1 }] },
      {},
      '/v1/jobs/batch',
    );
    expect(mixed.status).toBe(207);
    const body = await mixed.json();
    expect(body.results.map((r: { status: number }) => r.status)).toEqual([202, 422, 400]);
    expect(body.results[2].problem.errors.map((e: { path: string }) => e.path)).toContain('jobs.2.tusk');
    expect(body.results[1].problem.errors.map((e: { path: string }) => e.path)).toEqual(['jobs.1.task']);
    const tooMany = await post(
      app,
      { jobs: Array.from({ length: 1001 }, () => ({ task: 'demo.echo' })) },
      {},
      '/v1/jobs/batch',
    );
    expect(tooMany.status).toBe(400);
  });

  it('serves /healthz, /readyz (503 with details when a check fails), /openapi.json and /docs', async () => {
    const { app } = testIngest({ config: { auth }, readiness: { 'broker:local': async () => 'ok' } });
    expect((await app.request('/healthz')).status).toBe(200);
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect((await ready.json()).checks).toMatchObject({
      results: { ok: true },
      'broker:local': { ok: true },
    });
    const bad = testIngest({
      readiness: { 'broker:eu': async () => Promise.reject(new Error('ECONNREFUSED')) },
    });
    const notReady = await bad.app.request('/readyz');
    expect(notReady.status).toBe(503);
    expect((await notReady.json()).checks['broker:eu']).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
    const doc = await (await app.request('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.EnqueueRequest.properties.task).toBeDefined();
    expect(Object.keys(doc['x-warren-tasks'])).toContain('demo.add');
    const docs = await app.request('/docs');
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    expect(await docs.text()).toContain('openapi.json');
  });
});

describe('ingest extension points', () => {
  it('reports each request with its route pattern and mounts extra routes', async () => {
    const seen: Array<{ route: string; status: number }> = [];
    const { config, producer, results } = testIngest();
    const { createIngestApp } = await import('./app');
    const app = createIngestApp({
      config,
      producer,
      results,
      onRequest: (r) => seen.push({ route: r.route, status: r.status }),
      extend: (a) => a.get('/metrics', (c) => c.text('up 1')),
    });
    await app.request('/v1/jobs/01920000-0000-7000-8000-000000000000');
    expect(await (await app.request('/metrics')).text()).toBe('up 1');
    expect(seen[0]).toEqual({ route: '/v1/jobs/:id', status: 404 });
  });
});

describe('ingest trace context', () => {
  const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
  const PARENT = '00f067aa0ba902b7';
  const publishedJob = async (headers: Record<string, string>) => {
    const { app, broker } = testIngest({ config: { auth } });
    const res = await post(app, { task: 'demo.add', input: { a: 1, b: 2 } }, headers);
    expect(res.status).toBe(202);
    return new Promise<JobEnvelope>((resolve) => {
      void broker.consume('default', async (d) => {
        resolve(d.job);
        await d.ack();
      });
    });
  };
  const published = async (traceparent?: string) =>
    (await publishedJob(traceparent ? { traceparent } : {})).traceparent;

  it('continues a newer-version traceparent (sent on as version 00); none or an invalid one starts a trace', async () => {
    // Before: anything but the exact four-field shape was dropped, so a newer caller's trace broke.
    expect(await published(`01-${TRACE}-${PARENT}-01-future-field`)).toBe(`00-${TRACE}-${PARENT}-01`);
    expect(await published(`00-${TRACE}-${PARENT}-01`)).toBe(`00-${TRACE}-${PARENT}-01`);
    // Before: the job had no traceparent, so its worker lines had no trace id.
    const fresh = [await published(`00-${'0'.repeat(32)}-${PARENT}-01`), await published()];
    for (const tp of fresh) expect(tp).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(fresh[0]!.slice(3, 35)).not.toBe(fresh[1]!.slice(3, 35));
  });

  it('carries the tracestate that came with a valid traceparent, normalized; none without one', async () => {
    const traceparent = `00-${TRACE}-${PARENT}-01`;
    const job = await publishedJob({ traceparent, tracestate: 'dd=s:1;o:rum , congo=t61rcWkgMzE' });
    expect(job).toMatchObject({ traceparent, tracestate: 'dd=s:1;o:rum,congo=t61rcWkgMzE' });
    expect((await publishedJob({ traceparent, tracestate: 'Not Valid' })).tracestate).toBeUndefined();
    expect((await publishedJob({ tracestate: 'dd=s:1' })).tracestate).toBeUndefined();
  });
});
