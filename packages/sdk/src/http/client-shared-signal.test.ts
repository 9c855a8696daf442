import { getEventListeners } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createClient } from './client';

/**
 * One signal (an app's shutdown signal) given to many calls at once: Node prints "Possible
 * EventTarget memory leak detected. 11 abort listeners added to [AbortSignal]" past 10 listeners
 * on it, where global fetch, given the same signal by as many requests, prints nothing.
 */
const ID = '01920000-0000-7000-8000-000000000001';
const CALLS = 20;
const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

async function serve(handle: (res: ServerResponse) => void) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () => server.closeAllConnections(),
    () => server.close(),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;
const until = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setTimeout(r, 10));
};

it('calls in flight or in a retry pause at once hold one abort listener on a shared signal, none after', async () => {
  const held: ServerResponse[] = [];
  let busy = 0;
  const url = await serve((res) => {
    // The first CALLS requests are held (tries in flight), the next CALLS answered 503 (pauses).
    if (held.length < CALLS) return void held.push(res);
    busy++;
    res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '5' });
    res.end('{"title":"busy","status":503}');
  });
  const client = createClient({ url });
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const ac = new AbortController();
    const inFlight = Array.from({ length: CALLS }, () =>
      client.get(ID, { signal: ac.signal }).catch((e) => e),
    );
    await until(() => held.length === CALLS);
    expect(listeners(ac.signal)).toBeLessThanOrEqual(1);
    const pausing = Array.from({ length: CALLS }, () =>
      client.get(ID, { signal: ac.signal }).catch((e) => e),
    );
    await until(() => busy === CALLS);
    await new Promise((r) => setTimeout(r, 50)); // each is in its Retry-After pause now
    expect(listeners(ac.signal)).toBeLessThanOrEqual(1);
    const reason = new Error('shutting down');
    ac.abort(reason);
    expect([...(await Promise.all(inFlight)), ...(await Promise.all(pausing))]).toEqual(
      Array(2 * CALLS).fill(reason),
    );

    // A signal that never aborts keeps nothing once its calls are done.
    const idle = new AbortController();
    const answered = await serve((res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: ID, state: 'queued' })),
    );
    const other = createClient({ url: answered });
    await Promise.all(Array.from({ length: CALLS }, () => other.get(ID, { signal: idle.signal })));
    expect(listeners(idle.signal)).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(warnings.map((w) => w.message)).toEqual([]);
  } finally {
    process.off('warning', onWarning);
  }
});
