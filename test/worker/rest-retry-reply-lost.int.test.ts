import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisRestApp, createUpstashResultStore, UpstashRest } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';

const RUN = `wrl-${uuidv7().slice(-8)}`;
const redis = new Redis('redis://127.0.0.1:6379');
const app = createRedisRestApp({ redis, token: 't' });
/** A request body holding this runs, and its reply comes after the client gave up on it. */
let slowOnce: string | undefined;
/** A request body holding this runs, and its connection drops before the reply (a reset). */
let lostOnce: string | undefined;

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
};
// The local REST endpoint behind a front whose reply can come too late: Upstash (or the network
// to it) slow for a moment, the command run but its answer past the client's timeoutMs.
const front = createServer(async (req, res) => {
  const body = await readBody(req);
  const reply = await app.fetch(
    new Request(`http://front${req.url}`, { method: 'POST', headers: req.headers as HeadersInit, body }),
  );
  const text = await reply.text();
  if (lostOnce && body.includes(lostOnce)) {
    lostOnce = undefined;
    req.socket.destroy();
    return;
  }
  if (slowOnce && body.includes(slowOnce)) {
    slowOnce = undefined;
    await new Promise((r) => setTimeout(r, 1500));
  }
  if (!res.destroyed) res.writeHead(reply.status, { 'content-type': 'application/json' }).end(text);
});

afterAll(async () => {
  front.closeAllConnections();
  await new Promise((r) => front.close(r));
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await conn.createChannel();
  for (const q of [`${RUN}.q`, `${RUN}.q.dlq`]) await ch.deleteQueue(q);
  await conn.close();
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

beforeAll(async () => {
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
});

/**
 * Runs a task that fails its first attempt (retryable) and succeeds its second, with `trouble`
 * set up for the 'retrying' write (it carries the error's message); answers the record and runs.
 */
async function failOnceThenSucceed(name: string, trouble: (marker: string) => void) {
  const url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  const q = `${RUN}.q`;
  const marker = `flaky-${name}-${RUN}`;
  let runs = 0;
  const task = defineTask({
    name,
    input: z.unknown(),
    queue: q,
    handler: () => {
      if (++runs === 1) throw new Error(marker);
      return 'done';
    },
  });
  const broker = createAmqpBroker({ urls: ['amqp://guest:guest@127.0.0.1:5672'] });
  await broker.connect();
  const client = new UpstashRest({ url, token: 't', timeoutMs: 1000, retry: { retries: 3 } });
  const results = createUpstashResultStore({ url, token: 't', prefix: `${RUN}:`, client });
  const worker = createWorker({
    config: defineConfig({ tasks: [task] }),
    consumer: broker.consumer,
    results,
  });
  try {
    await worker.start();
    const job = makeJob({ task: name, queue: q });
    trouble(marker);
    await broker.publisher.publish(q, job);
    await eventually(async () => (await results.get(job.id))?.state === 'succeeded', 6_000).catch(() => {});
    return { rec: await results.get(job.id), runs };
  } finally {
    await worker.stop(1000);
    await broker.close();
    await results.close();
  }
}

// The end of a run is tried again while the store errs recoverably (store-outage-retry.ts). A
// 'retrying' write that ran but whose reply was lost met its own write on that second try and
// was refused: the executor took the refusal for another run's and acked the delivery, so the
// retry was never sent and the job stayed 'retrying' for good.
it('a retrying write whose reply timed out after it ran still schedules the retry', async () => {
  const { rec, runs } = await failOnceThenSucceed('slow', (m) => {
    slowOnce = m;
  });
  expect({ ...rec, runs }).toMatchObject({ state: 'succeeded', attempts: 2, result: 'done', runs: 2 });
  expect(slowOnce).toBeUndefined(); // the slow reply did happen
}, 20_000);

// The client resends it itself after the reset and the store reports the refusal that follows
// as an unknown outcome (TRYAGAIN, recoverable): the executor's next try was refused alike.
it('a retrying write whose connection dropped after it ran still schedules the retry', async () => {
  const { rec, runs } = await failOnceThenSucceed('reset', (m) => {
    lostOnce = m;
  });
  expect({ ...rec, runs }).toMatchObject({ state: 'succeeded', attempts: 2, result: 'done', runs: 2 });
  expect(lostOnce).toBeUndefined();
}, 20_000);
