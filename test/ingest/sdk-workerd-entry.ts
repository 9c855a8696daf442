/**
 * A Cloudflare Worker that drives the producer SDK's HTTP client, bundled by
 * sdk-in-workerd.int.test.ts and run in workerd (no nodejs_compat: Web APIs only). Each path is
 * one scenario against the ingest at env.INGEST_URL; it answers what the SDK returned or threw.
 */
import { defineTask } from '@warren/core';
import {
  createClient,
  EnqueueManyError,
  idempotencyKeyOf,
  type WarrenClient,
  WarrenHttpError,
} from '@warren/sdk';
import { z } from 'zod';

interface Env {
  INGEST_URL: string;
  HUNG_URL: string;
  API_KEY: string;
  /** A service binding to the same ingest (its fetch must be called on the binding). */
  INGEST: { fetch(url: string, init: RequestInit): Promise<Response> };
}

/** A task run elsewhere (the Node worker), typed here as an edge producer would define it. */
const add = defineTask({
  name: 'sw.add',
  input: z.object({ a: z.number(), b: z.number() }),
  output: z.number(),
});

/** What a thrown value was, as JSON: its class as seen inside workerd, and the SDK's fields. */
function shown(err: unknown) {
  const e = err as Error & Partial<WarrenHttpError>;
  return {
    thrown: true,
    name: e?.name,
    message: e?.message,
    isWarrenHttpError: err instanceof WarrenHttpError,
    status: e?.status,
    problem: e?.problem,
    retryAfterMs: e?.retryAfterMs,
    idempotencyKey: idempotencyKeyOf(err),
  };
}

const scenarios: Record<string, (c: WarrenClient, env: Env) => Promise<unknown>> = {
  async typed(c) {
    const handle = await c.enqueue(add, { a: 2, b: 3 });
    const done = await c.wait(handle, { timeoutMs: 10_000 });
    // Typed end to end: the result is the task's output type.
    const sum: number | undefined = done.result;
    const got = await c.get<number>(handle.id);
    return { handle, state: done.state, sum, got: { state: got.state, result: got.result } };
  },
  async many(c) {
    return c.enqueueMany([
      { task: add, input: { a: 1, b: 1 } },
      { task: add, input: { a: 'x' } as unknown as { a: number; b: number } },
      { task: 'sw.add', input: { a: 4, b: 5 } },
    ]);
  },
  async binding(_c, env) {
    // Through a service binding, as a Worker reaches another service without a public URL.
    const c = createClient({
      url: 'https://ingest.internal',
      apiKey: env.API_KEY,
      fetch: (url, init) => env.INGEST.fetch(url, init),
    });
    const done = await c.wait(await c.enqueue(add, { a: 20, b: 22 }), { timeoutMs: 10_000 });
    return { state: done.state, result: done.result };
  },
  async invalid(c) {
    return c.enqueue(add, { a: 'x' } as unknown as { a: number; b: number }).catch(shown);
  },
  async unauthorized(_c, env) {
    // A batch refused as a whole: an EnqueueManyError with every job's key.
    const c = createClient({ url: env.INGEST_URL, apiKey: 'not-a-key-of-this-ingest' });
    const err = await c.enqueueMany([{ task: add, input: { a: 1, b: 2 } }]).catch((e: unknown) => e);
    return {
      ...shown(err),
      isEnqueueManyError: err instanceof EnqueueManyError,
      keys: (err as EnqueueManyError).idempotencyKeys,
    };
  },
  async cancel(c) {
    const handle = await c.enqueue(add, { a: 7, b: 7 }, { delayMs: 60_000 });
    const rec = await c.cancel(handle.id);
    return { handle, state: rec.state };
  },
  async abort(c) {
    // A wait on a job that will not end within it, stopped by the caller's signal.
    const handle = await c.enqueue(add, { a: 1, b: 2 }, { delayMs: 60_000 });
    const started = Date.now();
    const waited = await c.wait(handle, { timeoutMs: 10_000, signal: AbortSignal.timeout(300) }).catch(shown);
    const waitedMs = Date.now() - started;
    // The same wait left to its own timeout.
    const timedOut = await c.wait(handle, { timeoutMs: 800 }).catch(shown);
    // An enqueue whose signal is already aborted: nothing is sent, the key is still given.
    const ctl = new AbortController();
    ctl.abort(new Error('the caller gave up'));
    const refused = await c.enqueue(add, { a: 1, b: 1 }, { signal: ctl.signal }).catch(shown);
    await c.cancel(handle.id);
    return { waited, waitedMs, timedOut, refused };
  },
  async full(c) {
    // The queue is full at first: 429 with Retry-After; the test drains it meanwhile.
    const started = Date.now();
    const handle = await c.enqueue('sw.full', 1);
    return { handle, tookMs: Date.now() - started };
  },
  async hung(_c, env) {
    // A server that never answers: the try is aborted at the call's deadline.
    const c = createClient({ url: env.HUNG_URL, retry: { attempts: 1, deadlineMs: 500 } });
    return c.get('0190b7a2-3c4d-7e5f-8a9b-0c1d2e3f4a5b').catch(shown);
  },
};

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const name = new URL(req.url).pathname.slice(1);
    const run = scenarios[name];
    if (!run) return new Response(`no scenario ${name}`, { status: 404 });
    const client = createClient({ url: env.INGEST_URL, apiKey: env.API_KEY });
    try {
      return Response.json(await run(client, env));
    } catch (err) {
      return Response.json(shown(err), { status: 500 });
    }
  },
};
