import {
  createExecutor,
  defineConfig,
  defineTask,
  MemoryBroker,
  MemoryResultStore,
  TransportError,
} from '@warren/core';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { WaitTimeoutError } from '../http/errors';
import { createDirectClient } from './direct-client';

const add = defineTask({
  name: 'demo.add',
  input: z.object({ a: z.number(), b: z.number() }),
  output: z.number(),
  handler: ({ a, b }) => a + b,
});
const config = defineConfig({ queues: { default: {} }, tasks: [add] });

/** The direct client over the in-memory broker and store, with a real executor consuming `default`. */
async function setup(opts: { maxLength?: number } = {}) {
  const broker = new MemoryBroker(opts.maxLength ? { maxLength: { default: opts.maxLength } } : {});
  const results = new MemoryResultStore();
  const client = createDirectClient({ config, publishers: new Map([[config.region, broker]]), results });
  const startWorker = async () => {
    const executor = createExecutor({ tasks: config.tasks, results, workerId: 'w', resultTtlS: 60 });
    await broker.consume('default', (d) => executor.execute(d).then(() => {}));
  };
  return { broker, results, client, startWorker };
}

let broker: MemoryBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

describe('direct client', () => {
  it('retries safely without an idempotency claim per job: no key given, no store call but the record', async () => {
    // bf76af3 made up a key per enqueue so a retry could not enqueue twice: a claim script and an
    // unconfirmed mark in Redis for every job (~7% of end-to-end throughput). A fixed job id does it.
    let claims = 0;
    const results = Object.assign(new MemoryResultStore(), {
      claimIdempotencyKey: async (key: string, id: string, ttlS: number) => {
        claims++;
        return MemoryResultStore.prototype.claimIdempotencyKey.call(results, key, id, ttlS);
      },
    });
    const mem = new MemoryBroker();
    broker = mem;
    const client = createDirectClient({ config, publishers: new Map([[config.region, mem]]), results });
    await client.enqueue(add, { a: 1, b: 1 });
    await client.enqueueMany([{ task: add, input: { a: 2, b: 2 } }]);
    expect(claims).toBe(0);
    await client.enqueue(add, { a: 1, b: 1 }, { idempotencyKey: 'mine' });
    expect(claims).toBe(1);
  });

  it("wait uses the store's own waitFor where it has one, and times out when it answers unfinished", async () => {
    const asked: number[] = [];
    const results = Object.assign(new MemoryResultStore(), {
      waitFor: async (id: string, timeoutMs: number) => {
        asked.push(timeoutMs);
        return results.get(id);
      },
    });
    const mem = new MemoryBroker();
    broker = mem;
    const client = createDirectClient({ config, publishers: new Map([[config.region, mem]]), results });
    const job = await client.enqueue(add, { a: 1, b: 1 });
    await expect(client.wait(job, { timeoutMs: 50 })).rejects.toBeInstanceOf(WaitTimeoutError);
    await results.transition(job.id, 'running', { owner: 'w', attempts: 1 });
    await results.transition(job.id, 'succeeded', { owner: 'w', result: 2 });
    expect(await client.wait(job, { timeoutMs: 60 })).toMatchObject({ state: 'succeeded', result: 2 });
    // Asked once, for what was left of the 50 ms after the first read; the second wait found
    // the job finished on its first read: nothing left to wait for.
    expect(asked).toHaveLength(1);
    expect(asked[0]).toBeGreaterThan(0);
    expect(asked[0]).toBeLessThanOrEqual(50);
  });

  it('wait refuses a NaN timeout, as the HTTP client does, instead of re-reading the store forever', async () => {
    let reads = 0;
    const results = Object.assign(new MemoryResultStore(), {
      get: (id: string) => {
        reads++;
        return MemoryResultStore.prototype.get.call(results, id);
      },
    });
    const mem = new MemoryBroker();
    broker = mem;
    const client = createDirectClient({ config, publishers: new Map([[config.region, mem]]), results });
    const job = await client.enqueue(add, { a: 1, b: 1 }); // no worker: it never finishes
    const ac = new AbortController();
    const settled = client.wait(job, { timeoutMs: Number.NaN, signal: ac.signal }).catch((e: unknown) => e);
    const timer = setTimeout(() => ac.abort(new Error('still waiting')), 1_000);
    const out = await settled;
    clearTimeout(timer);
    // Every bound is false for NaN: it polled on a 1 ms timer (~600 reads a second on Redis).
    expect(reads).toBeLessThan(5);
    expect(out).toBeInstanceOf(RangeError);
  });

  it('enqueue records the job queued, a worker runs it, wait returns the typed result', async () => {
    const s = await setup();
    broker = s.broker;
    const job = await s.client.enqueue(add, { a: 2, b: 3 });
    expect(job).toMatchObject({ task: 'demo.add', queue: 'default', state: 'queued', replayed: false });
    expect((await s.client.get(job.id)).state).toBe('queued');
    await s.startWorker();
    const done = await s.client.wait(job, { timeoutMs: 2000 });
    expect(done.state).toBe('succeeded');
    expect(done.result).toBe(5);
    expectTypeOf(done.result).toEqualTypeOf<number | undefined>();
  });

  it('enqueueMany answers per item in order: 202, 422 bad input, 400 naming the field, 202/200 for a key', async () => {
    const s = await setup();
    broker = s.broker;
    const out = await s.client.enqueueMany([
      { task: add, input: { a: 1, b: 1 } },
      { task: 'demo.add', input: { a: 'x', b: 1 } },
      { task: 'demo.add', input: { a: 1, b: 2 }, delayMs: -5 },
      { task: 'nope.unknown', input: {} },
      { task: add, input: { a: 4, b: 4 }, idempotencyKey: 'k-1' },
      { task: add, input: { a: 4, b: 4 }, idempotencyKey: 'k-1' },
    ]);
    // The same key twice in one burst: the second is a replay of the first (200, same job).
    expect(out.map((r) => r.status)).toEqual([202, 422, 400, 422, 202, 200]);
    expect(out[5]!.job!.id).toBe(out[4]!.job!.id);
    expect(out[1]!.problem?.errors?.[0]?.path).toBe('jobs.1.input.a');
    expect(out[2]!.problem?.errors?.[0]?.path).toBe('jobs.2.delayMs');
    const again = await s.client.enqueueMany([{ task: add, input: { a: 4, b: 4 }, idempotencyKey: 'k-1' }]);
    expect(again[0]).toMatchObject({ status: 200, job: { id: out[4]!.job!.id } });
    // Only the accepted jobs were published; neither the refused nor the replayed ones.
    expect(s.broker.depth('default')).toBe(2);
    await s.startWorker();
    const done = await s.client.wait(out[0]!.job!.id, { timeoutMs: 2000 });
    expect(done.result).toBe(2);
  });

  it('enqueueMany splits more than 1,000 jobs into bursts and keeps the order', async () => {
    const s = await setup();
    broker = s.broker;
    const jobs = Array.from({ length: 2_345 }, (_, i) => ({ task: add, input: { a: i, b: 0 } }));
    const out = await s.client.enqueueMany(jobs);
    expect(out).toHaveLength(2_345);
    expect(out.every((r) => r.status === 202)).toBe(true);
    expect(new Set(out.map((r) => r.job!.id)).size).toBe(2_345);
    await s.startWorker();
    const last = await s.client.wait(out[2_344]!.job!.id, { timeoutMs: 5000 });
    expect(last.result).toBe(2_344);
  });

  it('enqueueMany: a full queue is a 429 item, not a thrown batch', async () => {
    const s = await setup({ maxLength: 1 });
    broker = s.broker;
    const out = await s.client.enqueueMany([
      { task: add, input: { a: 1, b: 1 } },
      { task: add, input: { a: 1, b: 1 } },
    ]);
    expect(out.map((r) => r.status).sort()).toEqual([202, 429]);
  });

  it('cancel stops a queued job (the worker skips it); 409 once finished, 404 for no such job', async () => {
    const s = await setup();
    broker = s.broker;
    const job = await s.client.enqueue(add, { a: 1, b: 1 });
    const out = await s.client.cancel(job.id);
    expect(out).toMatchObject({ id: job.id, state: 'cancelled' });
    await expect(s.client.cancel(job.id)).rejects.toMatchObject({ status: 409 });
    await expect(s.client.cancel('01920000-0000-7000-8000-00000000dead')).rejects.toMatchObject({
      status: 404,
    });
    await s.startWorker();
    await new Promise((r) => setTimeout(r, 50));
    expect((await s.client.get(job.id)).state).toBe('cancelled');
    expect(s.broker.depth('default')).toBe(0);
  });

  it("keeps the client's region hint for every enqueue that names no region of its own", async () => {
    const cfg = defineConfig({
      region: 'eu',
      regions: [
        { id: 'eu', location: { lat: 50, lon: 8 }, brokers: [] },
        { id: 'us', location: { lat: 40, lon: -75 }, brokers: [] },
      ],
      tasks: [add],
    });
    const eu = new MemoryBroker();
    const us = new MemoryBroker();
    const client = createDirectClient({
      config: cfg,
      publishers: new Map([
        ['eu', eu],
        ['us', us],
      ]),
      results: new MemoryResultStore(),
      hint: { region: 'us' },
    });
    try {
      expect((await client.enqueue(add, { a: 1, b: 1 })).region).toBe('us');
      expect((await client.enqueue(add, { a: 1, b: 1 }, { region: 'eu' })).region).toBe('eu');
      expect((await client.enqueueMany([{ task: add, input: { a: 1, b: 1 } }]))[0]!.job?.region).toBe('us');
      expect([eu.depth('default'), us.depth('default')]).toEqual([1, 2]);
    } finally {
      await eu.close();
      await us.close();
    }
  });

  it('wait for no such job is a 404 at once, as over HTTP, not a WaitTimeoutError after the whole wait', async () => {
    const s = await setup();
    broker = s.broker;
    const started = Date.now();
    const err = await s.client
      .wait('01920000-0000-7000-8000-00000000dead', { timeoutMs: 3_000 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 404 });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('enqueue refuses a request the ingest would refuse (400 naming the field), publishing nothing', async () => {
    const s = await setup();
    broker = s.broker;
    const bad = [{ delayMs: -5 }, { priority: 999 }, { maxAttempts: 0 }, { idempotencyKey: '' }] as const;
    for (const options of bad) {
      const err = await s.client.enqueue(add, { a: 1, b: 1 }, options).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 400, problem: { errors: [{ path: Object.keys(options)[0] }] } });
    }
    expect(s.broker.depth('default')).toBe(0);
  });

  it('a key reused for another input is the 422 the ingest answers, not a replay of the other job', async () => {
    const s = await setup();
    broker = s.broker;
    const first = await s.client.enqueue(add, { a: 1, b: 2 }, { idempotencyKey: 'order-7' });
    const err = await s.client
      .enqueue(add, { a: 1, b: 3 }, { idempotencyKey: 'order-7' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 422, problem: { errors: [{ path: 'idempotencyKey' }] } });
    expect(JSON.stringify((err as { problem: unknown }).problem)).not.toContain(first.id);
    const same = await s.client.enqueue(add, { b: 2, a: 1 }, { idempotencyKey: 'order-7' });
    expect(same).toMatchObject({ id: first.id, replayed: true });
    expect(s.broker.depth('default')).toBe(1);
  });

  it('wait stops when its signal aborts, with the reason given to abort()', async () => {
    const s = await setup();
    broker = s.broker;
    const job = await s.client.enqueue(add, { a: 1, b: 1 }); // no worker: it stays queued
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('caller gone')), 100);
    const started = Date.now();
    await expect(s.client.wait(job, { timeoutMs: 10_000, signal: ac.signal })).rejects.toThrow('caller gone');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('wait: a store down for the whole wait is retried until its end, not given up on after 4 tries', async () => {
    // The HTTP client's polls are retried until the wait's end; this one gave up after `attempts`
    // (default 4: ~0.7 s of backoff at most) or when a backoff drew past the end.
    const results = Object.assign(new MemoryResultStore(), {
      get: async () => {
        throw new TransportError('store unreachable', true);
      },
    });
    const mem = new MemoryBroker();
    broker = mem;
    const client = createDirectClient({ config, publishers: new Map([[config.region, mem]]), results });
    const started = Date.now();
    const err = await client
      .wait('01920000-0000-7000-8000-000000000001', { timeoutMs: 2_000 })
      .catch((e) => e);
    expect(err).toMatchObject({ status: 503 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('get, cancel and enqueue take a signal: a retry pause ends with its reason', async () => {
    const results = Object.assign(new MemoryResultStore(), {
      get: async () => {
        throw new TransportError('store unreachable', true);
      },
    });
    const mem = new MemoryBroker({ maxLength: { default: 0 } }); // every enqueue a 429
    broker = mem;
    const client = createDirectClient({
      config,
      publishers: new Map([[config.region, mem]]),
      results,
      retry: { baseMs: 5_000, attempts: 10 },
    });
    for (const call of [
      (signal: AbortSignal) => client.get('01920000-0000-7000-8000-000000000001', { signal }),
      (signal: AbortSignal) => client.cancel('01920000-0000-7000-8000-000000000001', { signal }),
      (signal: AbortSignal) => client.enqueue(add, { a: 1, b: 2 }, { signal }),
    ]) {
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('caller gone')), 100);
      const started = Date.now();
      await expect(call(ac.signal)).rejects.toThrow('caller gone');
      expect(Date.now() - started).toBeLessThan(1_000);
    }
  });

  it('a typed task refuses wrong input at compile time', async () => {
    const s = await setup();
    broker = s.broker;
    // @ts-expect-error b must be a number
    await s.client.enqueue(add, { a: 1, b: 'two' }).catch(() => {});
    await s.client
      .enqueueMany([
        { task: add, input: { a: 1, b: 2 } },
        // @ts-expect-error each batch item's input is checked against its own task
        { task: add, input: { a: 1, b: 'two' } },
        { task: 'any.name', input: { anything: true } },
      ])
      .catch(() => {});
  });
});
