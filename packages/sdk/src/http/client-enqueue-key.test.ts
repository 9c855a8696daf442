import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createClient } from './client';
import { idempotencyKeyOf, WarrenHttpError } from './errors';

const ID = '01920000-0000-7000-8000-000000000001';
const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A real HTTP server: each request's JSON body is kept, then `handle` answers it. */
async function serve(handle: (res: ServerResponse, n: number) => void) {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      bodies.push(JSON.parse(text) as Record<string, unknown>);
      handle(res, bodies.length);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () => server.closeAllConnections(),
    () => server.close(),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies };
}

// An enqueue can fail after the ingest took the job (every answer lost, a deadline). The key the
// client made up for its own retries was lost with the error, so a caller enqueueing again made a
// second job; the error now names it, and enqueueing with it answers with the first job.
it('a failed enqueue carries the idempotency key it sent; enqueueing again with it replays', async () => {
  const { url, bodies } = await serve((res, n) => {
    if (n <= 2) {
      res.writeHead(503, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'x', title: 'unavailable', status: 503 }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'idempotent-replayed': 'true' });
    res.end(JSON.stringify({ id: ID, state: 'queued', links: { self: `/v1/jobs/${ID}` } }));
  });
  const client = createClient({ url, retry: { attempts: 2, baseMs: 1 } });
  const err = await client.enqueue('demo.add', { a: 1, b: 2 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WarrenHttpError);
  const key = idempotencyKeyOf(err);
  expect(key).toMatch(/^[0-9a-f-]{36}$/);
  expect(bodies.map((b) => b.idempotencyKey)).toEqual([key, key]); // the client's retries: one key
  const again = await client.enqueue('demo.add', { a: 1, b: 2 }, { idempotencyKey: key });
  expect(again).toMatchObject({ id: ID, replayed: true });
  expect(bodies[2]!.idempotencyKey).toBe(key);
  // A caller's own key is named as well; other errors carry none.
  const own = await createClient({ url: 'http://127.0.0.1:1', retry: { attempts: 1 } })
    .enqueue('demo.add', {}, { idempotencyKey: 'order-7' })
    .catch((e: unknown) => e);
  expect(idempotencyKeyOf(own)).toBe('order-7');
  expect(idempotencyKeyOf(new Error('x'))).toBeUndefined();
});
