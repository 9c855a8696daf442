import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from './client';
import { WarrenHttpError } from './errors';

const ID = '01920000-0000-7000-8000-000000000001';
const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A real HTTP server answering each request with `handle`; resolves to its base URL. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse, n: number) => void) {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(req, res, ++n));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () => server.closeAllConnections(),
    () => server.close(),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const problem = (res: ServerResponse, status: number, headers: Record<string, string> = {}) =>
  res
    .writeHead(status, { 'content-type': 'application/problem+json', ...headers })
    .end(JSON.stringify({ type: 'x', title: 'unavailable', status }));

describe('HTTP client deadlines', () => {
  it('a Retry-After beyond the deadline is not slept: the 503 is thrown at once, carrying it', async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls++;
      problem(res, 503, { 'retry-after': '3600' });
    });
    const client = createClient({ url, retry: { baseMs: 1, deadlineMs: 10_000 } });
    const started = Date.now();
    const err = await client.enqueue('demo.echo', 1).catch((e: unknown) => e);
    // Neither the hour nor the rest of the deadline (a loaded machine takes ~1 s for one request).
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(WarrenHttpError);
    expect(err).toMatchObject({ status: 503, retryAfterMs: 3_600_000 });
    expect(calls).toBe(1);
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    const seen: number[] = [];
    const url = await serve((_req, res, n) => {
      seen.push(Date.now());
      // An HTTP date has whole seconds: two seconds ahead is at least one second of pause.
      if (n === 1) return problem(res, 503, { 'retry-after': new Date(Date.now() + 2_000).toUTCString() });
      res
        .writeHead(202, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: ID, state: 'queued' }));
    });
    const client = createClient({ url, retry: { baseMs: 1 } });
    expect((await client.enqueue('demo.echo', 1)).id).toBe(ID);
    expect(seen).toHaveLength(2);
    expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(990);
  });

  it('an ingest that never answers fails the call at the deadline instead of hanging', async () => {
    const url = await serve(() => {}); // accepts the request, never answers
    const client = createClient({ url, retry: { baseMs: 1, deadlineMs: 500 } });
    const started = Date.now();
    const err = await client.enqueue('demo.echo', 1).catch((e: unknown) => e);
    expect(err).toMatchObject({
      message: expect.stringMatching(/^no answer from http:.* within the deadline$/),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("the deadline's error names the URL without the base URL's query (a gateway's token)", async () => {
    const url = await serve(() => {}); // accepts the request, never answers
    const client = createClient({ url: `${url}/api?token=s3cret`, retry: { baseMs: 1, deadlineMs: 300 } });
    const err = (await client.get(ID).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe(`no answer from ${url}/api/v1/jobs/${ID} within the deadline`);
    const waited = (await client.wait(ID, { timeoutMs: 300 }).catch((e: unknown) => e)) as Error;
    expect(waited.message).toBe(`no answer from ${url}/api/v1/jobs/${ID} within the deadline`);
  });

  it('wait: a long-poll cut by a proxy (504) is not polled again for the whole wait past timeoutMs', async () => {
    const waits: string[] = [];
    const url = await serve((req, res) => {
      const wait = new URL(req.url!, 'http://x').searchParams.get('wait') ?? '';
      waits.push(wait);
      const ms = Number(/^(\d+)ms$/.exec(wait)?.[1] ?? 0);
      // A proxy that gives up on the origin after the wait: 504, no JSON.
      setTimeout(() => res.writeHead(504, { 'content-type': 'text/html' }).end('<html>timeout</html>'), ms);
    });
    const client = createClient({ url, retry: { baseMs: 50 } });
    const started = Date.now();
    const err = await client.wait(ID, { timeoutMs: 1_000 }).catch((e: unknown) => e);
    const took = Date.now() - started;
    expect(err).toMatchObject({ status: 504 });
    expect(took).toBeGreaterThanOrEqual(950);
    // Any poll after the first asks only for the time left, not another full second (what an
    // upper bound on `took` checked, without failing on a loaded machine).
    for (const w of waits.slice(1)) expect(Number(/^(\d+)ms$/.exec(w)?.[1] ?? 0)).toBeLessThan(500);
  });

  it('wait: a backoff that would pass the wait is cut to one last try at its end, not given up on at once', async () => {
    // An ingest restarting: connections refused. The jitter's worst draw (random() → ~1) makes the
    // first pause ~baseMs, past the wait's end: it waited 0 s of its 1 s before this.
    const { port } = await new Promise<AddressInfo>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const a = probe.address() as AddressInfo;
        probe.close(() => resolve(a));
      });
    });
    const spy = vi.spyOn(Math, 'random').mockReturnValue(0.999);
    try {
      const client = createClient({ url: `http://127.0.0.1:${port}`, retry: { baseMs: 5_000 } });
      const started = Date.now();
      const err = await client.wait(ID, { timeoutMs: 1_000 }).catch((e: unknown) => e);
      const took = Date.now() - started;
      expect(err).toBeInstanceOf(TypeError); // fetch's own, ECONNREFUSED
      expect(took).toBeGreaterThanOrEqual(950);
      // Cut at the wait's end, not after the 5 s pause (a bound far from 1 s: a loaded machine
      // passed 1.6 s).
      expect(took).toBeLessThan(4_000);
    } finally {
      spy.mockRestore();
    }
  });

  it('wait stops when its signal aborts, with the reason given to abort()', async () => {
    const url = await serve((req, res) => {
      const ms = Number(/wait=(\d+)ms/.exec(req.url!)?.[1] ?? 0);
      setTimeout(
        () =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(`{"id":"${ID}","state":"running"}`),
        ms,
      );
    });
    const client = createClient({ url });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('caller gone')), 300);
    const started = Date.now();
    const err = await client.wait(ID, { timeoutMs: 10_000, signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({ message: 'caller gone' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
