import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { launchChromium } from '../observability/browser';
import { cleanUpRun, startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * The producer SDK's HTTP client in a real browser (Debian's chromium, headless) on a page served
 * over plain http from a host name other than localhost (app.test, mapped to 127.0.0.1): not a
 * secure context, as an app on a LAN address or an intranet host is. The page is served by the
 * Node ingest itself (same origin) over real RabbitMQ (:5672) and Redis (:6379).
 */
const RUN = `sb${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const FULL = `${RUN}-full`;
const KEY = 'sdk-browser-key-0123456789abcdef';
const config = defineConfig({
  queues: { [QUEUE]: {}, [FULL]: { maxLength: 1 } },
  auth: { keys: [{ key: KEY }] },
  ingest: { corsOrigins: ['*'] },
  tasks: [
    defineTask({ name: 'sb.echo', queue: QUEUE, input: z.number(), handler: (x) => x }),
    defineTask({ name: 'sb.full', queue: FULL, input: z.number(), handler: (x) => x }),
  ],
});

/**
 * The jobs of the ingest's long-polls (`GET /v1/jobs/:id?wait=`) in flight: now, as each began,
 * and as each DELETE came (a test filters them by its jobs: an earlier test's may still be ending).
 */
const polls = { now: [] as string[], atStart: [] as string[][], atDelete: [] as string[][] };

/** The SDK as a page script: `window.warren` is the package's exports. */
async function bundleSdk(): Promise<string> {
  const out = await build({
    stdin: { contents: "export * from '@warren/sdk';", resolveDir: import.meta.dirname, loader: 'ts' },
    bundle: true,
    format: 'iife',
    globalName: 'warren',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  return out.outputFiles[0]!.text;
}

describe('the SDK HTTP client in a browser page that is not a secure context', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  let browser: Browser;
  let page = '';

  beforeAll(async () => {
    const sdk = await bundleSdk();
    ingest = await startNodeIngest(config, RUN, QUEUE, {
      extend: (app) => {
        app.use('/v1/jobs/*', async (c, next) => {
          const id = c.req.path.split('/')[3]!;
          if (c.req.method === 'DELETE') polls.atDelete.push([...polls.now]);
          const long = c.req.method === 'GET' && c.req.query('wait') !== undefined;
          if (long) {
            polls.now.push(id);
            polls.atStart.push([...polls.now]);
          }
          try {
            await next();
          } finally {
            if (long) polls.now.splice(polls.now.indexOf(id), 1);
          }
        });
        app.get('/sdk-test/sdk.js', (c) => c.body(sdk, 200, { 'content-type': 'text/javascript' }));
        app.get('/sdk-test/', (c) => c.html('<!doctype html><script src="sdk.js"></script>'));
      },
    });
    browser = await launchChromium(['--host-resolver-rules=MAP app.test 127.0.0.1']);
    page = `${ingest.url.replace('127.0.0.1', 'app.test')}/sdk-test/`;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await cleanUpRun(FULL, undefined, `${RUN}:`);
    await ingest?.close();
  });

  it('enqueues with the idempotency keys it makes up', async () => {
    const tab = await browser.newPage();
    await tab.goto(page);
    const out = await tab.evaluate(async (apiKey) => {
      const w = (globalThis as unknown as { warren: typeof import('@warren/sdk') }).warren;
      const client = w.createClient({ url: location.origin, apiKey });
      const job = await client.enqueue('sb.echo', 1).catch((e: Error) => e.message);
      const many = await client
        .enqueueMany([{ task: 'sb.echo', input: 2 }])
        .then((r) => r.map((x) => x.status))
        .catch((e: Error) => e.message);
      return { secure: isSecureContext, job, many };
    }, KEY);
    expect(out.secure).toBe(false);
    expect(out.job).toMatchObject({ state: 'queued', replayed: false });
    expect(out.many).toEqual([202]);
  }, 20_000);

  it('reads a cross-origin error answer: its problem and field paths, not a network error', async () => {
    const tab = await browser.newPage();
    await tab.goto(page);
    const out = await tab.evaluate(
      async ({ apiKey, url }) => {
        const w = (globalThis as unknown as { warren: typeof import('@warren/sdk') }).warren;
        const client = w.createClient({ url, apiKey, retry: { attempts: 1 } });
        const shown = (e: { name: string; status?: number; problem?: { errors?: { path: string }[] } }) => ({
          name: e.name,
          status: e.status,
          paths: e.problem?.errors?.map((x) => x.path),
        });
        const invalid = await client.enqueue('sb.echo', 'x').catch(shown);
        const job = await client.enqueue('sb.echo', 3);
        return { origin: location.origin, invalid, job };
      },
      { apiKey: KEY, url: ingest.url },
    );
    expect(out.origin).not.toBe(ingest.url);
    expect(out.invalid).toEqual({ name: 'WarrenHttpError', status: 422, paths: ['input'] });
    expect(out.job).toMatchObject({ state: 'queued' });
  }, 20_000);

  it('cross-origin: reads Retry-After, long-polls, cancels and stops a wait on its signal', async () => {
    // Jobs until the queue refuses one (RabbitMQ may take one past its limit): full from then on.
    for (let i = 0, status = 0; status !== 429 && i < 5; i++) {
      const res = await fetch(`${ingest.url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ task: 'sb.full', input: i }),
      });
      status = res.status;
    }
    const tab = await browser.newPage();
    await tab.goto(page);
    const out = await tab.evaluate(
      async ({ apiKey, url }) => {
        const w = (globalThis as unknown as { warren: typeof import('@warren/sdk') }).warren;
        const shown = (e: { name: string; message: string; status?: number; retryAfterMs?: number }) => ({
          name: e.name,
          message: e.message,
          status: e.status,
          retryAfterMs: e.retryAfterMs,
        });
        // Retry-After is no CORS-safelisted header: unexposed, the client would read none and retry on its backoff.
        const once = w.createClient({ url, apiKey, retry: { attempts: 1 } });
        const full = await once.enqueue('sb.full', 9).catch(shown);
        const client = w.createClient({ url, apiKey });
        // A GET long-poll and a DELETE, each with Authorization: both preflighted.
        const job = await client.enqueue('sb.echo', 4);
        const waiting = client.wait(job, { timeoutMs: 8000 }).then((r) => r.state, shown);
        await new Promise((r) => setTimeout(r, 300));
        const cancelled = (await client.cancel(job.id)).state;
        const other = await client.enqueue('sb.echo', 5);
        const stop = new AbortController();
        const stopped = client.wait(other, { timeoutMs: 8000, signal: stop.signal }).catch(shown);
        setTimeout(() => stop.abort(new Error('left the page')), 300);
        return { origin: location.origin, full, cancelled, waited: await waiting, stopped: await stopped };
      },
      { apiKey: KEY, url: ingest.url },
    );
    expect(out.origin).not.toBe(ingest.url);
    expect(out.full).toMatchObject({ name: 'WarrenHttpError', status: 429 });
    expect((out.full as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(0);
    expect(out).toMatchObject({ cancelled: 'cancelled', waited: 'cancelled' });
    expect(out.stopped).toMatchObject({ name: 'Error', message: 'left the page' });
  }, 20_000);

  it("same origin: eight waits leave connections for the page's other requests, so a cancel is not queued behind them", async () => {
    // Chromium opens 6 HTTP/1.1 connections per host: six long-polls held them all, and a cancel
    // from the page waited (7.7 s measured) until one ended. The client long-polls 4 at a time here.
    const tab = await browser.newPage();
    await tab.goto(page);
    const ids = await tab.evaluate(async (apiKey) => {
      const w = (globalThis as unknown as { warren: typeof import('@warren/sdk') }).warren;
      const client = w.createClient({ url: location.origin, apiKey });
      const jobs = await Promise.all(Array.from({ length: 8 }, (_, i) => client.enqueue('sb.echo', 100 + i)));
      const stop = new AbortController();
      const settled: string[] = [];
      // No worker runs: these jobs stay queued, so each wait lasts until its timeout or the abort.
      const waits = jobs.map((j) =>
        client.wait(j, { timeoutMs: 6000, signal: stop.signal }).then(
          (r) => settled.push(`${j.id} ${r.state}`),
          (e: Error) => settled.push(`${j.id} ${e.message}`),
        ),
      );
      Object.assign(globalThis, { test: { client, jobs, stop, settled, waits } });
      return jobs.map((j) => j.id);
    }, KEY);
    const ours = (inFlight: string[]) => inFlight.filter((id) => ids.includes(id));
    // The waits' long-polls are on the ingest (4 with the budget, 6 without) before the cancel.
    for (const end = Date.now() + 5_000; ours(polls.now).length < 4 && Date.now() < end; )
      await new Promise((r) => setTimeout(r, 20));
    const out = await tab.evaluate(async () => {
      const { client, jobs, stop, settled, waits } = (
        globalThis as unknown as {
          test: {
            client: import('@warren/sdk').WarrenClient;
            jobs: { id: string }[];
            stop: AbortController;
            settled: string[];
            waits: Promise<unknown>[];
          };
        }
      ).test;
      const cancelled = (await client.cancel(jobs[0]!.id)).state;
      const settledAtCancel = [...settled];
      await waits[0]; // the cancelled job's, which ends with its record
      stop.abort(new Error('test over'));
      await Promise.all(waits);
      return { cancelled, settledAtCancel, settled };
    });
    expect(out.cancelled).toBe('cancelled');
    // Answered while every other wait was still waiting, not after their long-polls ended.
    expect(out.settledAtCancel.filter((s) => !s.startsWith(ids[0]!))).toEqual([]);
    expect(out.settled).toContain(`${ids[0]} cancelled`);
    // The DELETE reached the ingest beside this page's long-polls, which never took all 6 connections.
    expect(ours(polls.atDelete.at(-1)!).length).toBeGreaterThan(0);
    const most = Math.max(...polls.atStart.map((inFlight) => ours(inFlight).length));
    expect(most).toBe(4);
  }, 30_000);
});
