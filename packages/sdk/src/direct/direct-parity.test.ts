import type { AddressInfo } from 'node:net';
import {
  createProducer,
  defineConfig,
  defineTask,
  MemoryBroker,
  MemoryResultStore,
  type Publisher,
} from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createClient } from '../http/client';
import { WarrenHttpError } from '../http/errors';
import { createDirectClient } from './direct-client';

const add = defineTask({
  name: 'demo.add',
  input: z.object({ a: z.number(), b: z.number() }),
  handler: ({ a, b }) => a + b,
});
const config = defineConfig({ queues: { default: {}, full: {} }, tasks: [add] });

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The HTTP client (through a real ingest) and the direct client, over one broker and store. */
async function bothClients() {
  const broker = new MemoryBroker({ maxLength: { full: 0 } });
  const results = new MemoryResultStore();
  const publishers = new Map<string, Publisher>([[config.region, broker]]);
  const producer = createProducer({ config, publishers, results });
  const server = await serveNode(createIngestApp({ config, producer, results }), 0, '127.0.0.1');
  closers.push(
    () => new Promise((r) => server.close(r)),
    () => broker.close(),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    results,
    http: createClient({ url, retry: { attempts: 1 } }),
    direct: createDirectClient({ config, publishers, results }),
  };
}

/** What a caller can see of a failure: its class, status, problem (but where it was raised) and Retry-After. */
async function failure(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof WarrenHttpError)) return { notWarrenHttpError: String(err) };
  const problem = err.problem && { ...err.problem, instance: undefined };
  return { status: err.status, problem, retryAfterMs: err.retryAfterMs };
}

describe('direct and HTTP clients fail alike', () => {
  it('with a WarrenHttpError carrying the same status, problem fields and Retry-After', async () => {
    const { http, direct, results } = await bothClients();
    const finished = await direct.enqueue(add, { a: 1, b: 1 });
    await results.transition(finished.id, 'running', { owner: 'w', attempts: 1 });
    await results.transition(finished.id, 'succeeded', { owner: 'w', result: 2 });
    const missing = '01920000-0000-7000-8000-00000000dead';
    const cases = (c: typeof http | typeof direct) => [
      c.enqueue('demo.add', { a: 'x', b: 1 }),
      c.enqueue('nope.unknown', {}),
      c.enqueue(add, { a: 1, b: 1 }, { delayMs: -5 }),
      c.enqueue(add, { a: 1, b: 1 }, { queue: 'full' }),
      c.get(missing),
      c.wait(missing, { timeoutMs: 100 }),
      c.cancel(missing),
      c.cancel(finished.id),
    ];
    const viaHttp = await Promise.all(cases(http).map(failure));
    const viaDirect = await Promise.all(cases(direct).map(failure));
    expect(viaHttp.map((f) => f.status)).toEqual([422, 422, 400, 429, 404, 404, 404, 409]);
    expect(viaHttp[0]!.problem?.errors?.[0]?.path).toBe('input.a');
    expect(viaDirect).toEqual(viaHttp);
  });
});
