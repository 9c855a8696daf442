import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createExecutor, defineTask, TransportError, uuidv7 } from '@warren/core';
import { makeJob, recordingDelivery } from '@warren/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRedisRestApp } from '../rest-server/app';
import { createUpstashResultStore } from './create-upstash-result-store';
import { UpstashRest } from './upstash-rest';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `warren-test-lost-reply-${FILE_ID}-${Date.now().toString(36)}:`;
const app = createRedisRestApp({ redis, token: 't' });

/** Bodies (as sent) whose reply is lost once: the endpoint runs the command, then the connection drops. */
const loseReplyOnce = new Set<string>();
/** Bodies dropped once before they run: a stale keep-alive socket (a Lambda thawed after a freeze). */
const dropOnce = new Set<string>();
const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
};

// The local REST endpoint behind a front that can lose a reply after the command ran: what a
// connection reset, a Lambda freeze or a proxy timeout does to a request that reached Upstash.
const front = createServer(async (req, res) => {
  const body = await readBody(req);
  const stale = [...dropOnce].find((m) => body.includes(m));
  if (stale) {
    dropOnce.delete(stale);
    req.socket.destroy();
    return;
  }
  const reply = await app.fetch(
    new Request(`http://front${req.url}`, { method: 'POST', headers: req.headers as HeadersInit, body }),
  );
  const text = await reply.text();
  const marker = [...loseReplyOnce].find((m) => body.includes(m));
  if (marker) {
    loseReplyOnce.delete(marker);
    req.socket.destroy(); // ran, but the caller never hears of it
    return;
  }
  res.writeHead(reply.status, { 'content-type': 'application/json' }).end(text);
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});
afterAll(async () => {
  front.closeAllConnections();
  await new Promise((r) => front.close(r));
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('Upstash REST store: a transition whose reply is lost after it ran', () => {
  it('is not reported refused once resent: its outcome is unknown (recoverable error)', async () => {
    // The production default: network failures are retried.
    const store = createUpstashResultStore({ url, token: 't', prefix });
    const id = uuidv7();
    expect((await store.transition(id, 'running', { task: 't', owner: 'w1', attempts: 1 })).ok).toBe(true);
    const error = { type: 'E', message: 'flaky-' + id, retryable: true };
    loseReplyOnce.add(error.message);
    const out = await store.transition(id, 'retrying', { owner: 'w1', error }).catch((e: unknown) => e);
    // Resent, the write met its own effect and came back { ok: false, reason: 'illegal' }: the
    // executor then acks the delivery instead of scheduling the retry, and the job is lost.
    expect(out).toBeInstanceOf(TransportError);
    expect((out as TransportError).recoverable).toBe(true);
    expect((await store.get(id))?.state).toBe('retrying');
  });

  it('still resends what is safe to repeat (a read, an idempotency claim)', async () => {
    const store = createUpstashResultStore({ url, token: 't', prefix });
    const id = uuidv7();
    const key = `k-${id}`;
    loseReplyOnce.add(key);
    expect(await store.claimIdempotencyKey(key, id, 60)).toBe(id);
    await store.transition(id, 'queued', { task: 't' });
    loseReplyOnce.add(`job:${id}`);
    expect((await store.get(id))?.state).toBe('queued');
  });

  it('still resends a transition whose connection was refused (it never reached the endpoint)', async () => {
    // A port nothing listens on (fetch refuses "bad ports" such as 1 before trying them).
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    let calls = 0;
    const client = new UpstashRest({
      url,
      token: 't',
      retry: { retries: 1, backoff: () => 0 },
      // The first attempt goes where nothing listens: a real ECONNREFUSED.
      fetch: (input, init) =>
        calls++ === 0 ? fetch(`http://127.0.0.1:${deadPort}/`, init) : fetch(input, init),
    });
    const store = createUpstashResultStore({ url, token: 't', prefix, client });
    const out = await store.transition(uuidv7(), 'queued', { task: 't', returnRecord: false });
    expect(out).toEqual({ ok: true, from: undefined });
    expect(calls).toBe(2);
  });

  it('resends a transition that failed before it ran, and answers its outcome', async () => {
    const store = createUpstashResultStore({ url, token: 't', prefix });
    const id = uuidv7();
    await store.transition(id, 'running', { task: 't', owner: 'w1', attempts: 1 });
    const error = { type: 'E', message: `stale-${id}`, retryable: true };
    dropOnce.add(error.message);
    expect(await store.transition(id, 'retrying', { owner: 'w1', error, returnRecord: false })).toEqual({
      ok: true,
      from: 'running',
    });
  });

  // The resend of a run's start met its own write: the record was 'running' under this very
  // owner, and the reply said from 'running', which the executor reads as a lost run to take
  // over (WorkerLostError). The Lambda RMQ handler spends the attempt on that: a job on its
  // last attempt was failed and dead-lettered without running, for a connection reset.
  it('a resent start that met its own write does not report an earlier run', async () => {
    const store = createUpstashResultStore({ url, token: 't', prefix });
    const id = uuidv7();
    await store.create(id, 'queued', { task: 't' });
    const owner = `w-start-${id}/1`;
    loseReplyOnce.add(owner);
    const out = await store.transition(id, 'running', { owner, attempts: 1, returnRecord: false });
    expect(out.ok).toBe(true);
    expect(out.ok && out.from).not.toBe('running');
    expect(loseReplyOnce.has(owner)).toBe(false);
  });

  it('so the executor runs the job, not failing it as a lost run on its last attempt', async () => {
    const results = createUpstashResultStore({ url, token: 't', prefix });
    let runs = 0;
    const task = defineTask({ name: 't', input: z.unknown(), handler: () => ++runs });
    const workerId = `w-exec-${uuidv7()}`;
    const ex = createExecutor({ tasks: new Map([['t', task]]), results, workerId, resultTtlS: 60 });
    const job = makeJob({ task: 't', maxAttempts: 1 });
    const { d, calls } = recordingDelivery(job);
    loseReplyOnce.add(`${workerId}/1`); // the start's reply
    // As the Lambda RMQ handler runs a delivery (Amazon MQ keeps the attempt on redelivery).
    const outcome = await ex.execute(d, { lostRunSpendsAttempt: true });
    expect({ outcome, runs, calls: calls.map((c) => c.op) }).toEqual({
      outcome: 'succeeded',
      runs: 1,
      calls: ['ack'],
    });
    expect((await results.get(job.id))?.state).toBe('succeeded');
  });
});
