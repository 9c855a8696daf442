import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from './client';
import { EnqueueManyError, WarrenHttpError } from './errors';

/**
 * The client pointed at a server that is not a warren ingest (the usual wrong `url`: another JSON
 * API, a catch-all that answers 200 or 204 to anything). Its 2xx answers are not jobs, so every
 * call must fail saying so, not resolve with that server's JSON as the job.
 */
describe('HTTP client at a URL that is not a warren ingest', () => {
  let server: http.Server;
  let base = '';
  const seen: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push(`${req.method} ${req.url}`);
        if (req.url?.startsWith('/empty')) return void res.writeHead(204).end();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, replayed: true }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const client = () => createClient({ url: `${base}/api`, retry: { baseMs: 1 } });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e,
    );

  it('enqueue fails (once, not retried) naming the URL, instead of resolving with no job', async () => {
    seen.length = 0;
    const err = await failure(client().enqueue('demo.add', { a: 1 }));
    expect(err).toBeInstanceOf(WarrenHttpError);
    expect((err as WarrenHttpError).status).toBe(200);
    expect((err as Error).message).toBe(
      `POST ${base}/api/v1/jobs answered 200 with something that is not a warren job: is url a warren ingest?`,
    );
    expect(seen).toEqual(['POST /api/v1/jobs']);
  });

  it('an empty 204 is not a job either', async () => {
    const c = createClient({ url: `${base}/empty` });
    const err = await failure(c.enqueue('demo.add', {}));
    expect((err as Error).message).toContain('answered 204 with something that is not a warren job');
  });

  it('enqueueMany fails naming it, with every key to resend, instead of a TypeError', async () => {
    const err = await failure(client().enqueueMany([{ task: 'demo.add', input: 1 }]));
    expect(err).toBeInstanceOf(EnqueueManyError);
    expect((err as Error).message).toContain('is not a warren batch answer: is url a warren ingest?');
    expect((err as EnqueueManyError).idempotencyKeys).toHaveLength(1);
  });

  it('get and cancel fail naming it, instead of resolving with that JSON as the job', async () => {
    for (const call of [
      client().get('01920000-0000-7000-8000-000000000001'),
      client().cancel('01920000-0000-7000-8000-000000000001'),
    ]) {
      const err = await failure(call);
      expect((err as Error).message).toContain(
        '/api/v1/jobs/01920000-0000-7000-8000-000000000001 answered 200 with something that is not a warren job',
      );
    }
  });

  it('wait fails at once, not after its timeout as a job that did not finish', async () => {
    const t0 = Date.now();
    const err = await failure(client().wait('01920000-0000-7000-8000-000000000001', { timeoutMs: 3_000 }));
    expect((err as Error).message).toContain('answered 200 with something that is not a warren job');
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});
