import { randomInt } from 'node:crypto';
import { defineConfig, defineTask, type ResultStore } from '@warren/core';
import { createClient } from '@warren/sdk';
import { createDirectClient } from '@warren/sdk/direct';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { drainQueue, startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * Answers lost after the server did the work (real Node ingest, RabbitMQ :5672, Redis :6379):
 * a retry must answer what the first try would have, never an error and never a second job.
 * The lost answer is read in full by a fetch wrapper and then thrown away as a network error.
 */
const RUN = `lr${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: {} },
  tasks: [defineTask({ name: 'lr.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

/** Global fetch; the answers to the first `drops` requests `lose` picks are read, then lost. */
function losingFetch(lose: (method: string, url: string) => boolean, drops = 1) {
  const lost: { status: number; body: unknown }[] = [];
  const fetchLike = async (url: string, init: RequestInit): Promise<Response> => {
    const res = await fetch(url, init);
    if (lost.length >= drops || !lose(init.method ?? 'GET', url)) return res;
    lost.push({ status: res.status, body: JSON.parse(await res.text()) });
    throw new TypeError('fetch failed');
  };
  return { fetch: fetchLike, lost };
}

describe('SDK calls whose answer was lost after the ingest did the work', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  let proxy: TcpProxy;
  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    proxy = await startTcpProxy(Number(new URL(ingest.url).port));
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await ingest?.close();
  });

  const plain = () => createClient({ url: ingest.url });

  it('enqueue: the retry answers the first try’s job; one message', async () => {
    const { fetch, lost } = losingFetch((m) => m === 'POST');
    const client = createClient({ url: ingest.url, fetch, retry: { baseMs: 10 } });
    const job = await client.enqueue('lr.echo', 'one', { delayMs: 60_000 });
    const first = lost[0]!.body as { id: string; state: string; notBefore: string };
    expect(lost[0]!.status).toBe(202);
    // The key is the client's own: the 200 can only be this call's first try, so not a replay.
    expect(job).toMatchObject({
      id: first.id,
      state: 'scheduled',
      notBefore: first.notBefore,
      replayed: false,
    });
    await plain().cancel(job.id);
  });

  it('raw POST with an Idempotency-Key: 200 Idempotent-Replayed, same id', async () => {
    const post = () =>
      fetch(`${ingest.url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `${RUN}-raw` },
        body: JSON.stringify({ task: 'lr.echo', input: 'raw' }),
      });
    const a = await post();
    const b = await post();
    expect([a.status, b.status]).toEqual([202, 200]);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(((await b.json()) as { id: string }).id).toBe(((await a.json()) as { id: string }).id);
    await new Promise((r) => setTimeout(r, 200));
    expect((await drainQueue(QUEUE)).map((j) => j.input)).toEqual(['raw']);
  });

  it('enqueueMany: a lost 207 retried answers each item as before, none twice', async () => {
    const { fetch, lost } = losingFetch((m, url) => m === 'POST' && url.endsWith('/batch'));
    const client = createClient({ url: ingest.url, fetch, retry: { baseMs: 10 } });
    const out = await client.enqueueMany([
      { task: 'lr.echo', input: 'b1' },
      { task: 'lr.nope', input: 'b2' },
      { task: 'lr.echo', input: 'b3' },
    ]);
    expect(lost[0]!.status).toBe(207);
    const firstIds = (lost[0]!.body as { results: { job?: { id: string } }[] }).results.map((r) => r.job?.id);
    expect(out.map((r) => r.status)).toEqual([202, 422, 202]); // as the lost answer said
    expect(out.map((r) => r.job?.id)).toEqual(firstIds);
    await new Promise((r) => setTimeout(r, 200));
    expect((await drainQueue(QUEUE)).map((j) => j.input).sort()).toEqual(['b1', 'b3']);
  });

  it('cancel: the retry of a DELETE that cancelled the job answers the cancelled record', async () => {
    const job = await plain().enqueue('lr.echo', 'c', { delayMs: 60_000 });
    const { fetch, lost } = losingFetch((m) => m === 'DELETE');
    const client = createClient({ url: ingest.url, fetch, retry: { baseMs: 10 } });
    expect(await client.cancel(job.id)).toMatchObject({ id: job.id, state: 'cancelled' });
    expect(lost[0]).toMatchObject({ status: 200, body: { state: 'cancelled' } });
    // A cancel of a job already cancelled before the call is still the API's 409.
    await expect(plain().cancel(job.id)).rejects.toMatchObject({ status: 409 });
  });

  it('wait: a long-poll whose connection drops mid-wait still answers the finished job', async () => {
    const job = await plain().enqueue('lr.echo', 'w', { delayMs: 60_000 });
    const client = createClient({ url: `http://127.0.0.1:${proxy.port}`, retry: { baseMs: 10 } });
    const waiting = client.wait(job, { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    proxy.cut(); // the long-poll in flight loses its connection
    await new Promise((r) => setTimeout(r, 300));
    await plain().cancel(job.id);
    expect(await waiting).toMatchObject({ id: job.id, state: 'cancelled' });
  });

  it('direct enqueueMany: a record write failing after the publish still answers 202, published once', async () => {
    const failing = Object.assign(Object.create(ingest.results) as ResultStore, {
      create: () => Promise.reject(new Error('record write failed (test)')),
    });
    const errors: unknown[] = [];
    const direct = createDirectClient({
      config,
      publishers: ingest.publishers,
      results: failing,
      onRecordError: (err) => errors.push(err),
    });
    const out = await direct.enqueueMany([
      { task: 'lr.echo', input: 'd1' },
      { task: 'lr.echo', input: 'd2', idempotencyKey: `${RUN}-d2` },
    ]);
    expect(out.map((r) => r.status)).toEqual([202, 202]);
    expect(errors).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 200));
    expect((await drainQueue(QUEUE)).map((j) => j.input).sort()).toEqual(['d1', 'd2']);
  });
});
