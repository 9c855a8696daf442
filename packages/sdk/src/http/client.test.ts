import { defineTask, MAX_BATCH } from '@warren/core';
import { Hono } from 'hono';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { BATCH_MAX, createClient } from './client';
import { EnqueueManyError, WaitTimeoutError, WarrenHttpError } from './errors';

const sendEmail = defineTask({
  name: 'email.send',
  input: z.object({ to: z.email(), subject: z.string() }),
  output: z.object({ messageId: z.string() }),
});

/** A stand-in ingest that fails the first `failures` POSTs with `status` and records every request. */
function flakyIngest(failures: number, status = 503, retryAfter = '0') {
  const seen: Array<{ key: string | undefined; auth: string | undefined }> = [];
  const app = new Hono();
  app.post('/v1/jobs', async (c) => {
    const body = await c.req.json();
    seen.push({ key: body.idempotencyKey, auth: c.req.header('authorization') });
    if (seen.length <= failures) {
      return c.json({ type: 'x', title: 'down', status }, status as 503, { 'retry-after': retryAfter });
    }
    return c.json(
      {
        id: '01920000-0000-7000-8000-000000000001',
        task: body.task,
        queue: 'default',
        state: 'queued',
        region: 'eu',
        enqueuedAt: new Date().toISOString(),
        links: { self: '/v1/jobs/x' },
      },
      202,
    );
  });
  return { seen, fetch: (url: string, init: RequestInit) => app.request(url, init) };
}

describe('HTTP client', () => {
  it('retries 503 honouring Retry-After, reusing one idempotency key, sending the API key', async () => {
    const ingest = flakyIngest(2);
    const client = createClient({
      url: 'http://x',
      apiKey: 'secret-key',
      fetch: ingest.fetch,
      retry: { baseMs: 1 },
    });
    const job = await client.enqueue(sendEmail, { to: 'a@b.co', subject: 'hi' });
    expect(job.state).toBe('queued');
    expect(ingest.seen).toHaveLength(3);
    expect(new Set(ingest.seen.map((s) => s.key)).size).toBe(1);
    expect(ingest.seen[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(ingest.seen[0]!.auth).toBe('Bearer secret-key');
  });

  it('waits as long as Retry-After says', async () => {
    const ingest = flakyIngest(1, 429, '0.3');
    const client = createClient({ url: 'http://x', fetch: ingest.fetch, retry: { baseMs: 1 } });
    const t0 = Date.now();
    await client.enqueue('demo.echo', 1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('gives up after the configured attempts with the problem attached', async () => {
    const ingest = flakyIngest(10);
    const client = createClient({ url: 'http://x', fetch: ingest.fetch, retry: { attempts: 3, baseMs: 1 } });
    const err = await client.enqueue('demo.echo', 1).catch((e) => e);
    expect(err).toBeInstanceOf(WarrenHttpError);
    expect(err.status).toBe(503);
    expect(ingest.seen).toHaveLength(3);
  });

  it('does not retry a 4xx other than 429', async () => {
    const ingest = flakyIngest(10, 422);
    const client = createClient({ url: 'http://x', fetch: ingest.fetch, retry: { baseMs: 1 } });
    await expect(client.enqueue('demo.echo', 1)).rejects.toMatchObject({ status: 422 });
    expect(ingest.seen).toHaveLength(1);
  });

  it('retries network errors', async () => {
    let calls = 0;
    const ingest = flakyIngest(0);
    const client = createClient({
      url: 'http://x',
      retry: { baseMs: 1 },
      fetch: (url, init) => {
        if (++calls === 1) throw new TypeError('fetch failed');
        return ingest.fetch(url, init);
      },
    });
    await client.enqueue('demo.echo', 1);
    expect(calls).toBe(2);
  });

  it('infers input and result types from a task definition', () => {
    const client = createClient({ url: 'http://x', fetch: flakyIngest(0).fetch });
    type Enq = Parameters<typeof client.enqueue<typeof sendEmail>>[1];
    expectTypeOf<Enq>().toEqualTypeOf<{ to: string; subject: string }>();
    const typed = async () => {
      const job = await client.enqueue(sendEmail, { to: 'a@b.co', subject: 's' });
      const rec = await client.wait(job);
      expectTypeOf(rec.result).toEqualTypeOf<{ messageId: string } | undefined>();
    };
    const badInputFailsToCompile = async () => {
      // @ts-expect-error `subject` is missing: the task's zod schema requires it
      await client.enqueue(sendEmail, { to: 'a@b.co' });
      // @ts-expect-error `to` must be a string
      await client.enqueue(sendEmail, { to: 42, subject: 's' });
      // a plain task name accepts any input
      await client.enqueue('email.send', { anything: true });
      // @ts-expect-error two ways of saying when: the ingest answers 400
      await client.enqueue('email.send', {}, { delayMs: 1000, runAt: '2030-01-01T00:00:00Z' });
      // @ts-expect-error the same for a batch item
      await client.enqueueMany([{ task: 'email.send', delayMs: 1000, runAt: '2030-01-01T00:00:00Z' }]);
      await client.enqueue('email.send', {}, { delayMs: 1000 });
      await client.enqueue('email.send', {}, { runAt: '2030-01-01T00:00:00Z' });
    };
    expect(typeof typed).toBe('function');
    expect(typeof badInputFailsToCompile).toBe('function');
  });

  it('wait long-polls with the time left, to the millisecond, and times out with WaitTimeoutError', async () => {
    const waits: string[] = [];
    const app = new Hono();
    // Never finishes; holds each GET for the asked wait, as the ingest does (capped at 30 s).
    app.get('/v1/jobs/:id', async (c) => {
      const wait = c.req.query('wait') ?? '';
      waits.push(wait);
      const ms = Number(/^(\d+)ms$/.exec(wait)?.[1] ?? 0);
      await new Promise((r) => setTimeout(r, ms));
      return c.json({ id: c.req.param('id'), state: 'running' });
    });
    const client = createClient({ url: 'http://x', fetch: (url, init) => app.request(url, init) });
    const started = Date.now();
    await expect(
      client.wait('01920000-0000-7000-8000-000000000001', { timeoutMs: 1_500 }),
    ).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_450);
    // One long-poll for (about) the whole 1.5 s, then at most a short one: not ten 100 ms polls.
    expect(waits.length).toBeLessThanOrEqual(3);
    expect(Number(/^(\d+)ms$/.exec(waits[0]!)?.[1])).toBeGreaterThan(1_400);
  });

  it('an error page that is not JSON (a proxy, a wrong URL) is a WarrenHttpError with its status, not a parse error', async () => {
    let calls = 0;
    const html = (status: number) => async () => {
      calls++;
      return new Response('<html><body>Not Found</body></html>', {
        status,
        headers: { 'content-type': 'text/html' },
      });
    };
    const notFound = createClient({ url: 'http://x', fetch: html(404), retry: { baseMs: 1 } });
    const err = await notFound.get('01920000-0000-7000-8000-000000000001').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WarrenHttpError);
    expect(err).toMatchObject({ status: 404, problem: undefined });
    expect(calls).toBe(1); // a 404 is not retried, whatever its body

    calls = 0;
    const badGateway = createClient({ url: 'http://x', fetch: html(502), retry: { attempts: 3, baseMs: 1 } });
    const err2 = await badGateway.get('01920000-0000-7000-8000-000000000001').catch((e: unknown) => e);
    expect(err2).toMatchObject({ status: 502 });
    expect(calls).toBe(3); // a 502 is retried, and the last answer is what the caller gets
  });

  it('keeps a query on the base URL (a gateway token) on every call, after the path', async () => {
    const urls: string[] = [];
    const app = new Hono();
    app.all('*', (c) => {
      urls.push(c.req.url);
      return c.json({ id: 'j1', state: 'succeeded' });
    });
    const client = createClient({
      url: 'http://x/api/?token=a?b',
      fetch: (u, init) => app.request(u as string, init),
    });
    const id = '01920000-0000-7000-8000-000000000001';
    await client.get(id);
    await client.wait(id, { timeoutMs: 2000 });
    expect(urls[0]).toBe(`http://x/api/v1/jobs/${id}?token=a?b`);
    expect(urls[1]).toMatch(new RegExp(`^http://x/api/v1/jobs/${id}\\?wait=\\d+ms&token=a\\?b$`));
  });

  it('enqueueMany sends a list longer than a batch in consecutive batches, one result per job in order', async () => {
    expect(BATCH_MAX).toBe(MAX_BATCH);
    const sizes: number[] = [];
    const app = new Hono();
    app.post('/v1/jobs/batch', async (c) => {
      const { jobs } = (await c.req.json()) as { jobs: { input: { i: number } }[] };
      sizes.push(jobs.length);
      return c.json({ results: jobs.map((j) => ({ status: 202, job: { id: String(j.input.i) } })) }, 202);
    });
    const client = createClient({ url: 'http://x', fetch: (url, init) => app.request(url, init) });
    const out = await client.enqueueMany(
      Array.from({ length: 2_345 }, (_, i) => ({ task: 'demo.add', input: { i } })),
    );
    expect(sizes).toEqual([1000, 1000, 345]);
    expect(out.map((r) => r.job?.id)).toEqual(Array.from({ length: 2_345 }, (_, i) => String(i)));
  });

  it('enqueueMany that fails part-way throws the answers so far and every job key, to resend safely', async () => {
    const sent: string[][] = [];
    let failWith: 'http' | 'network' = 'http';
    const app = new Hono();
    app.post('/v1/jobs/batch', async (c) => {
      const { jobs } = (await c.req.json()) as { jobs: { input: { i: number }; idempotencyKey: string }[] };
      sent.push(jobs.map((j) => j.idempotencyKey));
      if (sent.length > 1) {
        return c.json({ type: 'x', title: 'no region could confirm', status: 503 }, 503, {
          'retry-after': '0',
        });
      }
      return c.json({ results: jobs.map((j) => ({ status: 202, job: { id: String(j.input.i) } })) }, 202);
    });
    const fetch = async (u: string | URL | Request, init?: RequestInit) => {
      if (failWith === 'network' && sent.length > 0) throw new TypeError('fetch failed');
      return app.request(u as string, init);
    };
    const client = createClient({ url: 'http://x', fetch, retry: { attempts: 2, baseMs: 1 } });
    const jobs = Array.from({ length: 1_500 }, (_, i) => ({
      task: 'demo.add',
      input: { i },
      ...(i === 7 ? { idempotencyKey: 'mine-7' } : {}),
    }));

    const err = (await client.enqueueMany(jobs).catch((e: unknown) => e)) as EnqueueManyError;
    expect(err).toBeInstanceOf(EnqueueManyError);
    expect(err).toBeInstanceOf(WarrenHttpError);
    expect(err.status).toBe(503);
    expect(sent.map((s) => s.length)).toEqual([1000, 500, 500]); // the second batch, tried twice
    expect(err.results.slice(0, 1000).every((r) => r?.status === 202)).toBe(true);
    expect(err.results.slice(1000)).toEqual(Array(500).fill(undefined));
    expect(err.idempotencyKeys).toEqual([...sent[0]!, ...sent[1]!]);
    expect(err.idempotencyKeys[7]).toBe('mine-7');
    expect(sent[2]).toEqual(sent[1]); // its retry kept the keys

    sent.length = 0;
    failWith = 'network';
    const net = (await client.enqueueMany(jobs).catch((e: unknown) => e)) as EnqueueManyError;
    expect(net).toBeInstanceOf(EnqueueManyError);
    expect(net.status).toBe(0);
    expect(net.cause).toBeInstanceOf(TypeError);
    expect(net.results.filter(Boolean)).toHaveLength(1000);
  });

  it('enqueueMany sends the items answered 503/429 again, alone, with their idempotency keys', async () => {
    const calls: { i: number; key: string }[][] = [];
    const app = new Hono();
    app.post('/v1/jobs/batch', async (c) => {
      const { jobs } = (await c.req.json()) as { jobs: { input: { i: number }; idempotencyKey: string }[] };
      calls.push(jobs.map((j) => ({ i: j.input.i, key: j.idempotencyKey })));
      const first = calls.length === 1;
      const results = jobs.map((j) =>
        first && j.input.i % 2 === 1
          ? { status: 503, problem: { type: 'x', title: 'unavailable', status: 503 } }
          : first && j.input.i === 4
            ? { status: 422, problem: { type: 'x', title: 'unprocessable', status: 422 } }
            : { status: 202, job: { id: String(j.input.i) } },
      );
      return c.json({ results }, 207);
    });
    const jobs = Array.from({ length: 6 }, (_, i) => ({ task: 'demo.add', input: { i } }));
    const client = createClient({
      url: 'http://x',
      fetch: (u, init) => app.request(u, init),
      retry: { baseMs: 1 },
    });
    const out = await client.enqueueMany(jobs);
    expect(out.map((r) => r.status)).toEqual([202, 202, 202, 202, 422, 202]);
    expect(calls.map((c) => c.map((j) => j.i))).toEqual([
      [0, 1, 2, 3, 4, 5],
      [1, 3, 5],
    ]);
    for (const j of calls[1]!) expect(j.key).toBe(calls[0]!.find((f) => f.i === j.i)!.key);

    calls.length = 0;
    const once = createClient({
      url: 'http://x',
      fetch: (u, init) => app.request(u, init),
      retry: { attempts: 1 },
    });
    expect((await once.enqueueMany(jobs)).map((r) => r.status)).toEqual([202, 503, 202, 503, 422, 503]);
    expect(calls).toHaveLength(1);
  });

  it('refuses retry options that are not numbers (NaN from an unset variable) instead of never sending', async () => {
    const ingest = flakyIngest(0);
    const bad = Number(undefined); // e.g. Number(process.env.WARREN_RETRIES) with the variable unset
    for (const retry of [{ attempts: bad }, { deadlineMs: bad }, { baseMs: bad }, { maxMs: bad }]) {
      expect(() => createClient({ url: 'http://ingest', fetch: ingest.fetch, retry })).toThrow(RangeError);
    }
    // Infinity is a number: as many tries as the deadline allows.
    const client = createClient({ url: 'http://ingest', fetch: ingest.fetch, retry: { attempts: Infinity } });
    expect((await client.enqueue('t', 1)).id).toBeDefined();
    expect(ingest.seen).toHaveLength(1);
  });
});
