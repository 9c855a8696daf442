import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineConfig, defineTask, MemoryBroker, MemoryResultStore } from '@warren/core';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { createDirectClient } from '../direct/direct-client';
import { createClient } from './client';

/**
 * A wait's `timeoutMs` that is no number, as a JavaScript caller passes an environment variable
 * it did not convert ('5000'): `Date.now() + '5000'` is text, a deadline some 500,000 years off,
 * so the wait never timed out. Refused at once, as NaN already is, on both clients.
 */
const ID = '01920000-0000-7000-8000-000000000001';
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The call, ended after 1.5 s if it is still going (it would wait for good). */
async function settle(call: (signal: AbortSignal) => Promise<unknown>) {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error('still waiting')), 1_500);
  try {
    return await call(ac.signal).catch((e: unknown) => e);
  } finally {
    clearTimeout(timer);
  }
}

it('HTTP client: a string timeoutMs is a RangeError, not a wait with no end', async () => {
  const server = createServer((_req, res) =>
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id: ID, state: 'queued' })),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () => server.closeAllConnections(),
    () => server.close(),
  );
  const client = createClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  const out = await settle((signal) => client.wait(ID, { timeoutMs: '300' as unknown as number, signal }));
  expect(out).toBeInstanceOf(RangeError);
  expect((out as Error).message).toBe('timeoutMs must be a number, got "300"');
});

it('direct client: the same', async () => {
  const add = defineTask({ name: 'demo.add', input: z.object({ a: z.number() }), handler: ({ a }) => a });
  const config = defineConfig({ queues: { default: {} }, tasks: [add] });
  const broker = new MemoryBroker();
  closers.push(() => broker.close());
  const client = createDirectClient({
    config,
    publishers: new Map([[config.region, broker]]),
    results: new MemoryResultStore(),
  });
  const job = await client.enqueue(add, { a: 1 }); // no worker: it never finishes
  const out = await settle((signal) => client.wait(job, { timeoutMs: '300' as unknown as number, signal }));
  expect(out).toBeInstanceOf(RangeError);
});
