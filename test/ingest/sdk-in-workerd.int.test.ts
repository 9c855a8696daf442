import { randomInt } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask } from '@warren/core';
import { createWorker } from '@warren/worker';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { AMQP_URL, cleanUpRun, drainQueue, startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * The producer SDK's HTTP client in Cloudflare's real Workers runtime: sdk-workerd-entry.ts,
 * bundled by esbuild as a Worker, run in workerd (miniflare, no nodejs_compat) against the Node
 * ingest on localhost over real RabbitMQ (:5672) and Redis (:6379), with a real worker.
 */
const RUN = `sw${FILE_ID}${Date.now() % 100_000}`;
const WORK = `${RUN}-work`;
const FULL = `${RUN}-full`;
const KEY = 'sdk-workerd-key-0123456789abcdef';
const config = defineConfig({
  queues: { [WORK]: {}, [FULL]: { maxLength: 1 } },
  auth: { keys: [{ key: KEY }] },
  tasks: [
    defineTask({
      name: 'sw.add',
      queue: WORK,
      input: z.object({ a: z.number(), b: z.number() }),
      handler: ({ a, b }) => a + b,
    }),
    defineTask({ name: 'sw.full', queue: FULL, input: z.number(), handler: (x) => x }),
  ],
});

/** The Worker as a deployer would bundle it: ESM, browser/worker conditions, nothing from Node. */
async function bundleWorker() {
  const out = await build({
    entryPoints: [join(import.meta.dirname, 'sdk-workerd-entry.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    write: false,
    metafile: true,
  });
  return { code: out.outputFiles[0]!.text, inputs: out.metafile.inputs };
}

type Shown = {
  thrown?: true;
  name?: string;
  message?: string;
  isWarrenHttpError?: boolean;
  status?: number;
  problem?: { errors?: { path: string }[] };
  retryAfterMs?: number;
  idempotencyKey?: string;
};

describe('the SDK HTTP client in workerd (real ingest, RabbitMQ, Redis, worker)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  let broker: AmqpBroker;
  let worker: ReturnType<typeof createWorker>;
  let hung: Server;
  const sockets = new Set<Socket>();
  let mf: Miniflare;
  /** Called on each 429 the ingest answers. */
  let onRefused = () => {};
  /** What workerd printed (its warnings: a body left unread, a hung promise). */
  const runtimeOut: string[] = [];

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, WORK, {
      extend: (app) =>
        app.use('*', async (c, next) => {
          await next();
          if (c.res.status === 429) onRefused();
        }),
    });
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    worker = createWorker({ config, consumer: broker.consumer, results: ingest.results, queues: [WORK] });
    await worker.start();
    hung = createServer((s) => sockets.add(s));
    const hungPort = await freePort();
    await new Promise<void>((r) => hung.listen(hungPort, '127.0.0.1', r));
    const { code } = await bundleWorker();
    mf = new Miniflare({
      modules: true,
      script: code,
      compatibilityDate: '2026-04-01',
      bindings: { INGEST_URL: ingest.url, HUNG_URL: `http://127.0.0.1:${hungPort}`, API_KEY: KEY },
      serviceBindings: { INGEST: { external: { address: ingest.url.slice('http://'.length), http: {} } } },
      handleRuntimeStdio(stdout: Readable, stderr: Readable) {
        for (const s of [stdout, stderr]) s.on('data', (b: Buffer) => runtimeOut.push(b.toString()));
      },
    });
    await mf.ready;
  }, 60_000);

  afterAll(async () => {
    await mf?.dispose();
    for (const s of sockets) s.destroy();
    hung?.close();
    await worker?.stop(2000);
    await broker?.close();
    await cleanUpRun(FULL, undefined, `${RUN}:`);
    await ingest?.close();
  });

  const scenario = async <T>(name: string): Promise<T> => {
    const res = await mf.dispatchFetch(`http://worker/${name}`);
    const body = (await res.json()) as T;
    expect(res.status, JSON.stringify(body)).toBe(200);
    return body;
  };

  it('the client bundle takes nothing from Node', async () => {
    const { inputs } = await bundleWorker();
    const imports = Object.values(inputs).flatMap((i) => i.imports.map((m) => m.path));
    expect(imports.filter((p) => p.startsWith('node:') || !p.includes('/'))).toEqual([]);
  });

  it('enqueues a typed task, waits for its result and gets it', async () => {
    const out = await scenario<{ handle: { id: string }; state: string; sum: number; got: unknown }>('typed');
    expect(out).toMatchObject({ state: 'succeeded', sum: 5, got: { state: 'succeeded', result: 5 } });
  });

  it('runs through a service binding given as fetch', async () => {
    expect(await scenario('binding')).toEqual({ state: 'succeeded', result: 42 });
  });

  it('enqueueMany answers per job, a bad one with its field paths', async () => {
    const out = await scenario<{ status: number; problem?: { errors: { path: string }[] } }[]>('many');
    expect(out.map((r) => r.status)).toEqual([202, 422, 202]);
    expect(out[1]!.problem!.errors.map((e) => e.path)).toEqual(['jobs.1.input.a', 'jobs.1.input.b']);
  });

  it('a 422 is a WarrenHttpError with the problem and its field paths', async () => {
    const out = await scenario<Shown>('invalid');
    expect(out).toMatchObject({ thrown: true, isWarrenHttpError: true, status: 422 });
    expect(out.problem!.errors!.map((e) => e.path)).toEqual(['input.a', 'input.b']);
    expect(out.message).toMatch(/\(input\.a: .+; input\.b: .+\)$/);
  });

  it('a batch refused as a whole is an EnqueueManyError with the keys', async () => {
    const out = await scenario<Shown & { isEnqueueManyError: boolean; keys: string[] }>('unauthorized');
    expect(out).toMatchObject({
      thrown: true,
      isEnqueueManyError: true,
      isWarrenHttpError: true,
      status: 401,
    });
    expect(out.keys).toHaveLength(1);
  });

  it('cancels a delayed job', async () => {
    expect(await scenario<{ state: string }>('cancel')).toMatchObject({ state: 'cancelled' });
  });

  it('an AbortSignal or its timeout ends a wait; an aborted enqueue sends nothing but gives the key', async () => {
    const out = await scenario<{ waited: Shown; waitedMs: number; timedOut: Shown; refused: Shown }>('abort');
    expect(out.waited).toMatchObject({ thrown: true, name: 'TimeoutError' });
    expect(out.waitedMs).toBeLessThan(5000);
    expect(out.timedOut).toMatchObject({ thrown: true, name: 'WaitTimeoutError' });
    expect(out.refused).toMatchObject({ thrown: true, message: 'the caller gave up' });
    expect(out.refused.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a try unanswered at the deadline is aborted with the deadline error', async () => {
    const out = await scenario<Shown>('hung');
    expect(out).toMatchObject({ thrown: true });
    expect(out.message).toMatch(
      /^no answer from http:\/\/127\.0\.0\.1:\d+\/v1\/jobs\/.+ within the deadline$/,
    );
  });

  it("a full queue's 429 is retried after its Retry-After", async () => {
    // Jobs until the queue refuses one (a quorum queue may take one past its limit): full from then on.
    for (let i = 1, status = 0; status !== 429; i++) {
      expect(i, 'the queue never filled up').toBeLessThan(10);
      const res = await fetch(`${ingest.url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ task: 'sw.full', input: i }),
      });
      status = res.status;
      await res.body?.cancel();
    }
    // The queue takes the Worker's job once drained, right after its first try was refused.
    const drained = new Promise<void>((r) => {
      onRefused = r;
    }).then(() => drainQueue(FULL));
    const out = await scenario<{ handle: { id: string; state: string }; tookMs: number }>('full');
    expect(out.handle.state).toBe('queued');
    // The ingest's queue-full Retry-After is 5 s; a retry on the backoff alone comes in < 1 s.
    expect(out.tookMs).toBeGreaterThanOrEqual(4500);
    await drained;
  }, 20_000);

  it('workerd printed no warning', () => {
    expect(runtimeOut.join('')).toBe('');
  });
});
