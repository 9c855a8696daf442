import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from './client';
import { EnqueueManyError, idempotencyKeyOf } from './errors';

const ID = '01920000-0000-7000-8000-000000000001';
const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A real HTTP server answering each request with `handle`; resolves to its base URL. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () => server.closeAllConnections(),
    () => server.close(),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const unavailable = (res: ServerResponse) =>
  res
    .writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '2' })
    .end('{"type":"about:blank","title":"no region could confirm","status":503}');

/** Aborts with a reason after `ms`; the call must end then, not at its 30 s deadline. */
function abortAfter(ms: number) {
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('caller gone')), ms);
  return ac.signal;
}

describe('a call ends when its signal aborts', () => {
  it('enqueue: the try in flight is aborted; the error names the idempotency key it sent', async () => {
    let tries = 0;
    const url = await serve(() => tries++); // never answers
    const started = Date.now();
    const err = await createClient({ url })
      .enqueue('demo.echo', 1, { signal: abortAfter(200) })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ message: 'caller gone' });
    expect(Date.now() - started).toBeLessThan(5_000); // the client's deadline is 30 s
    expect(idempotencyKeyOf(err)).toMatch(/^[0-9a-f-]{36}$/);
    // Not retried after the abort (on a loaded machine the abort may even beat the first request).
    expect(tries).toBeLessThanOrEqual(1);
  });

  it("enqueue: calls ended by one shared signal each name their own key or none, never another's", async () => {
    const url = await serve(() => {}); // never answers
    const sent = new Map<unknown, string>();
    const client = createClient({
      url,
      fetch: (u, init) => {
        const body = JSON.parse(String(init.body)) as { input: unknown; idempotencyKey: string };
        sent.set(body.input, body.idempotencyKey);
        return fetch(u, init);
      },
    });
    const ac = new AbortController();
    const named: (string | undefined)[] = [];
    const calls = [0, 1, 2].map((i) =>
      client.enqueue('demo.echo', i, { signal: ac.signal }).catch((e: unknown) => {
        named[i] = idempotencyKeyOf(e);
        return e;
      }),
    );
    while (sent.size < 3) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    const errs = await Promise.all(calls);
    // Each rejects with the signal's one reason, as fetch does: one object for all three calls.
    expect(errs).toEqual([ac.signal.reason, ac.signal.reason, ac.signal.reason]);
    // Another call's key, enqueued again with, replays that call's job (or is refused as reused).
    for (const [i, key] of named.entries()) expect([sent.get(i), undefined]).toContain(key);
  });

  it('enqueue: a reason that is not an object (abort("x")) is what the caller catches, with no key', async () => {
    const url = await serve(() => {}); // never answers
    const ac = new AbortController();
    const call = createClient({ url })
      .enqueue('demo.echo', 1, { signal: ac.signal })
      .catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    ac.abort('shutting down');
    const err = await call;
    expect([err, idempotencyKeyOf(err)]).toEqual(['shutting down', undefined]);
  });

  it('enqueue: the signal is not sent as a field of the job', async () => {
    const url = await serve((_req, res) =>
      res.writeHead(400, { 'content-type': 'application/problem+json' }).end('{"status":400,"title":"x"}'),
    );
    let body = '';
    const client = createClient({
      url,
      fetch: (u, init) => {
        body = String(init.body);
        return fetch(u, init);
      },
    });
    await client.enqueue('demo.echo', 1, { signal: new AbortController().signal }).catch(() => {});
    expect(Object.keys(JSON.parse(body)).sort()).toEqual(['idempotencyKey', 'input', 'task']);
  });

  it('get and cancel: a retry pause after a 503 ends with the reason', async () => {
    const url = await serve((_req, res) => unavailable(res));
    const client = createClient({ url });
    for (const call of [
      (signal: AbortSignal) => client.get(ID, { signal }),
      (signal: AbortSignal) => client.cancel(ID, { signal }),
    ]) {
      const started = Date.now();
      const err = await call(abortAfter(300)).catch((e: unknown) => e);
      expect(err).toMatchObject({ message: 'caller gone' });
      expect(Date.now() - started).toBeLessThan(1_500); // Retry-After: 2 was not slept out
    }
  });

  it('enqueueMany: an abort in a retry pause is an EnqueueManyError with the answers so far and every key', async () => {
    let n = 0;
    const url = await serve((_req, res) => {
      n++;
      // The batch: one accepted, one refused for now (Retry-After 2 s); its retry never comes.
      res.writeHead(207, { 'content-type': 'application/json', 'retry-after': '2' }).end(
        JSON.stringify({
          results: [
            {
              status: 202,
              job: {
                id: ID,
                task: 'demo.echo',
                queue: 'default',
                state: 'queued',
                region: 'r',
                enqueuedAt: new Date().toISOString(),
                links: { self: `/v1/jobs/${ID}` },
              },
            },
            { status: 503, problem: { type: 'about:blank', title: 'no region could confirm', status: 503 } },
          ],
        }),
      );
    });
    const started = Date.now();
    const err = await createClient({ url })
      .enqueueMany(
        [
          { task: 'demo.echo', input: 1 },
          { task: 'demo.echo', input: 2 },
        ],
        { signal: abortAfter(300) },
      )
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err).toBeInstanceOf(EnqueueManyError);
    const e = err as EnqueueManyError;
    expect(e.cause).toMatchObject({ message: 'caller gone' });
    expect(e.results.map((r) => r?.status)).toEqual([202, 503]);
    expect(e.idempotencyKeys).toHaveLength(2);
    expect(n).toBe(1);
  });
});
