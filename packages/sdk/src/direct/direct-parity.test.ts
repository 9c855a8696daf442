import type { AddressInfo } from 'node:net';
import {
  createProducer,
  defineConfig,
  defineTask,
  MemoryBroker,
  MemoryResultStore,
  type Publisher,
  TransportError,
} from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createClient, type RetryOptions } from '../http/client';
import { idempotencyKeyOf, WarrenHttpError } from '../http/errors';
import { createDirectClient } from './direct-client';

const add = defineTask({
  name: 'demo.add',
  input: z.object({ a: z.number(), b: z.number() }),
  handler: ({ a, b }) => a + b,
});
// The input a worker reads is the JSON the producer sent: a Date arrives as its ISO string.
const at = defineTask({ name: 'demo.at', input: z.object({ at: z.string() }), handler: ({ at }) => at });
const atDate = defineTask({
  name: 'demo.atDate',
  input: z.object({ at: z.date() }),
  handler: ({ at }) => at,
});
const echo = defineTask({ name: 'demo.echo', input: z.unknown(), handler: (x) => x });
const config = defineConfig({ queues: { default: {}, full: {} }, tasks: [add, at, atDate, echo] });

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The HTTP client (through a real ingest) and the direct client, over one broker and store. */
async function bothClients(retry: RetryOptions = { attempts: 1 }) {
  const broker = new MemoryBroker({ maxLength: { full: 0 } });
  const results = new MemoryResultStore();
  // Each publish lands; the first `loseConfirms` then fail as a lost confirm would (503).
  const lossy = { loseConfirms: 0, published: [] as string[] };
  const publisher: Publisher = {
    publish: async (queue, job, opts) => {
      lossy.published.push(job.id);
      await broker.publish(queue, job, opts);
      if (lossy.loseConfirms-- > 0) throw new TransportError('connection lost before the confirm', true);
    },
    close: async () => {},
  };
  const publishers = new Map<string, Publisher>([[config.region, publisher]]);
  const producer = createProducer({ config, publishers, results });
  const server = await serveNode(createIngestApp({ config, producer, results }), 0, '127.0.0.1');
  closers.push(
    () => new Promise((r) => server.close(r)),
    () => broker.close(),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    results,
    lossy,
    http: createClient({ url, retry }),
    direct: createDirectClient({ config, publishers, results, retry }),
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

describe('direct and HTTP clients wait alike on a record that expires meanwhile', () => {
  // A waiting record lives a day (or is evicted): its job may still be waited on as it goes.
  it('404, as a GET after it answers, not a wait timeout on one of them', async () => {
    const { http, direct, results } = await bothClients();
    const ids = ['01920000-0000-7000-8000-0000000000e1', '01920000-0000-7000-8000-0000000000e2'];
    for (const id of ids) await results.create(id, 'queued', { task: 'demo.add', ttlS: 1 });
    const [viaHttp, viaDirect] = await Promise.all([
      failure(http.wait(ids[0]!, { timeoutMs: 1500 })),
      failure(direct.wait(ids[1]!, { timeoutMs: 1500 })),
    ]);
    expect(viaHttp.status).toBe(404);
    const detail = (f: typeof viaHttp) => ({ ...f, problem: { ...f.problem, detail: undefined } });
    expect(detail(viaDirect)).toEqual(detail(viaHttp));
  });
});

describe('direct and HTTP clients refuse a body nested too deeply alike', () => {
  it("past the ingest's 256 levels: 400 (a direct job past 1,000 was accepted and never ran)", async () => {
    const { http, direct } = await bothClients();
    let deep: unknown = 1;
    for (let i = 0; i < 1500; i++) deep = [deep];
    const cases = (c: typeof http | typeof direct) => [
      c.enqueue('demo.echo', deep),
      c.enqueueMany([
        { task: add, input: { a: 1, b: 1 } },
        { task: 'demo.echo', input: deep },
      ]),
    ];
    const viaHttp = await Promise.all(cases(http).map(failure));
    expect(viaHttp.map((f) => f.status)).toEqual([400, 400]);
    expect(await Promise.all(cases(direct).map(failure))).toEqual(viaHttp);
  });
});

describe('direct and HTTP clients retry a cancel alike', () => {
  const retry = { attempts: 3, baseMs: 1, maxMs: 5, deadlineMs: 10_000 };

  it('a store failure on the cancel write (applied or not) is retried: the job ends cancelled, no error', async () => {
    const { http, direct, results } = await bothClients(retry);
    const transition = results.transition.bind(results);
    for (const applied of [false, true]) {
      for (const c of [http, direct]) {
        const job = await c.enqueue(add, { a: 1, b: 1 }, { delayMs: 60_000 });
        let failures = 1;
        results.transition = async (id, state, patch) => {
          if (state !== 'cancelled' || failures-- <= 0) return transition(id, state, patch);
          // The write may have landed with its answer lost (applied), or not at all.
          if (applied) await transition(id, state, patch);
          throw new TransportError('store connection lost', true);
        };
        const out = await c.cancel(job.id).catch((e: unknown) => failure(Promise.reject(e)));
        results.transition = transition;
        expect({ applied, out }).toMatchObject({ applied, out: { id: job.id, state: 'cancelled' } });
      }
    }
  });
});

describe('direct and HTTP clients take any number of jobs', () => {
  it("none: no answers and no request (BullMQ addBulk([]) is [] too), not the batch route's 400", async () => {
    const { http, direct, lossy } = await bothClients();
    for (const c of [http, direct]) expect(await c.enqueueMany([])).toEqual([]);
    expect(lossy.published).toEqual([]);
  });
});

describe('direct and HTTP clients name the key of a failed enqueue alike', () => {
  it('idempotencyKeyOf(err) is the key the caller gave, to enqueue again without a second job', async () => {
    const { http, direct } = await bothClients();
    for (const c of [http, direct]) {
      const err = await c
        .enqueue(add, { a: 1, b: 1 }, { queue: 'full', idempotencyKey: 'order-9' })
        .catch((e) => e);
      expect(err).toBeInstanceOf(WarrenHttpError);
      expect(idempotencyKeyOf(err)).toBe('order-9');
    }
  });

  it("enqueues ended by one signal (the same reason thrown) name no key, not the last one's", async () => {
    const { http, direct } = await bothClients();
    for (const c of [http, direct]) {
      const ac = new AbortController();
      ac.abort();
      const errs = await Promise.all(
        ['order-1', 'order-2'].map((idempotencyKey) =>
          c.enqueue(add, { a: 1, b: 1 }, { idempotencyKey, signal: ac.signal }).catch((e: unknown) => e),
        ),
      );
      expect(errs).toEqual([ac.signal.reason, ac.signal.reason]);
      expect(errs[0]).toBe(errs[1]);
      expect(errs.map(idempotencyKeyOf)).toEqual([undefined, undefined]);
    }
  });
});

describe('direct and HTTP clients validate the input the worker will read', () => {
  it('its JSON: a Date is its ISO string, NaN is null', async () => {
    const { http, direct, results } = await bothClients();
    const when = new Date('2026-12-06T18:00:00.000Z');
    const cases = (c: typeof http | typeof direct) => [
      // Accepted over HTTP (the body holds the string); the direct client refused the Date.
      c.enqueue(at, { at: when as unknown as string }),
      // Refused over HTTP; the direct client accepted a job whose worker fails it as InvalidInput.
      c.enqueue(atDate, { at: when }),
      c.enqueue(add, { a: Number.NaN, b: 1 }),
    ];
    const outcome = async (p: Promise<{ id: string }>) =>
      p.then(
        async (j) => ({ input: (await results.get(j.id))?.input }),
        (e: unknown) => failure(Promise.reject(e)),
      );
    const viaHttp = await Promise.all(cases(http).map(outcome));
    const viaDirect = await Promise.all(cases(direct).map(outcome));
    expect(viaHttp[0]).toEqual({ input: { at: '2026-12-06T18:00:00.000Z' } });
    expect(viaHttp.slice(1).map((f) => (f as { status?: number }).status)).toEqual([422, 422]);
    expect(viaDirect).toEqual(viaHttp);
    const many = (c: typeof http | typeof direct) =>
      c.enqueueMany([
        { task: at, input: { at: when as unknown as string } },
        { task: atDate, input: { at: when } },
      ]);
    const [h, d] = [await many(http), await many(direct)];
    expect(d.map((r) => r.status)).toEqual(h.map((r) => r.status));
    expect(h.map((r) => r.status)).toEqual([202, 422]);
  });

  it('and the options as JSON carries them: a runAt Date is its ISO string, a NaN delayMs null', async () => {
    const { http, direct } = await bothClients();
    const soon = new Date(Date.now() + 60_000);
    const cases = (c: typeof http | typeof direct) => [
      c.enqueue(add, { a: 1, b: 1 }, { runAt: soon as unknown as string }),
      c.enqueue(add, { a: 1, b: 1 }, { delayMs: Number.NaN }),
    ];
    const outcome = (p: Promise<{ notBefore?: string }>) =>
      p.then(
        (j) => ({ notBefore: j.notBefore }),
        (e: unknown) => failure(Promise.reject(e)),
      );
    const viaHttp = await Promise.all(cases(http).map(outcome));
    expect(viaHttp[0]).toEqual({ notBefore: soon.toISOString() });
    expect(await Promise.all(cases(direct).map(outcome))).toEqual(viaHttp);
  });
});

describe('direct and HTTP clients retry alike', () => {
  const retry = { attempts: 3, baseMs: 1, maxMs: 5, deadlineMs: 10_000 };

  it('a 503 (confirm lost, message landed) is retried under one job id (HTTP: its made-up key; direct: its fixed id)', async () => {
    const { http, direct, lossy } = await bothClients(retry);
    for (const c of [http, direct]) {
      lossy.loseConfirms = 1;
      lossy.published = [];
      const job = await c.enqueue(add, { a: 1, b: 2 });
      // The retry republished the same id (the worker runs it once), never a second job.
      expect(lossy.published).toEqual([job.id, job.id]);
      expect(job.replayed).toBe(false);
    }
  });

  it('a Retry-After that ends past the deadline is not slept: 429 at once, with its Retry-After', async () => {
    const { http, direct, lossy } = await bothClients({ ...retry, deadlineMs: 2000 });
    const tries: number[] = [];
    const failures = [];
    for (const c of [http, direct]) {
      lossy.published = [];
      const t0 = Date.now();
      failures.push(await failure(c.enqueue(add, { a: 1, b: 1 }, { queue: 'full' })));
      expect(Date.now() - t0).toBeLessThan(1000);
      tries.push(lossy.published.length);
    }
    expect(failures[0]).toMatchObject({ status: 429, retryAfterMs: 5000 });
    expect(failures[1]).toEqual(failures[0]);
    expect(tries).toEqual([1, 1]);
  });

  it('enqueueMany resends the items answered 503 under their first ids, and both end with one job each', async () => {
    const { http, direct, lossy } = await bothClients(retry);
    for (const c of [http, direct]) {
      lossy.loseConfirms = 1;
      lossy.published = [];
      const out = await c.enqueueMany([
        { task: add, input: { a: 1, b: 1 } },
        { task: add, input: { a: 2, b: 2 } },
      ]);
      expect(out.map((r) => r.status)).toEqual([202, 202]);
      // Three publishes: both items, then the one whose confirm was lost, under its first id.
      expect(lossy.published).toHaveLength(3);
      expect(new Set(lossy.published)).toEqual(new Set(out.map((r) => r.job!.id)));
    }
  });
});
