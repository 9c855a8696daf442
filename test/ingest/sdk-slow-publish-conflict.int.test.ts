import { randomInt } from 'node:crypto';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import { createClient } from '@warren/sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { cleanUpRun, drainQueue, REDIS_URL } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A lost answer while the broker is slow to confirm (real Node ingest, real Redis :6379, real
 * RabbitMQ :5672 reached through a proxy adding 1.8 s each way, as a broker under flow control):
 * the first try is still publishing, so each retry under its key is answered 409 "still being
 * accepted" (Retry-After: 1). The call has its 30 s deadline left: it must go on until the first
 * try's job answers, not fail with that 409 after its 4 attempts (3 s) while the job is accepted.
 */
const RUN = `sp${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: {} },
  // Longer than the proxy's round trip even on a loaded machine: the first try is accepted.
  ingest: { publishTimeoutMs: 20_000 },
  tasks: [defineTask({ name: 'sp.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

/** Global fetch; the first POST reaches the ingest (and goes on there), its answer lost. */
function losingFirstPost() {
  let lost = false;
  const firstTry: Promise<number>[] = [];
  const fetchLike = async (url: string, init: RequestInit): Promise<Response> => {
    if (lost || init.method !== 'POST') return fetch(url, init);
    lost = true;
    firstTry.push(fetch(url, init).then((r) => r.status));
    await new Promise((r) => setTimeout(r, 500)); // its key is claimed by now
    throw new TypeError('fetch failed');
  };
  return { fetch: fetchLike, firstTry };
}

describe('SDK retry of a lost answer while the broker is slow to confirm', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let proxy: TcpProxy;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let url = '';
  beforeAll(async () => {
    proxy = await startTcpProxy(5672);
    broker = createAmqpBroker({
      urls: [`amqp://guest:guest@127.0.0.1:${proxy.port}`],
      queues: config.queues,
    });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    const results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    const port = await freePort();
    server = await serveNode(createIngestApp({ config, producer, results }), port, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(async () => {
    if (proxy) proxy.delayMs = 0;
    server?.close();
    await broker?.close();
    await proxy?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  it('enqueue answers the first try’s job, not its 409; one message', async () => {
    const { fetch, firstTry } = losingFirstPost();
    const client = createClient({ url, fetch, retry: { baseMs: 10 } });
    proxy.delayMs = 1800;
    const job = await client.enqueue('sp.echo', 'one').finally(() => {
      proxy.delayMs = 0;
    });
    expect(await Promise.all(firstTry)).toEqual([202]);
    expect(job).toMatchObject({ state: 'queued', replayed: false });
    expect((await drainQueue(QUEUE)).map((j) => [j.id, j.input])).toEqual([[job.id, 'one']]);
  }, 40_000);

  it('enqueueMany answers the first try’s jobs, not 409 items; each published once', async () => {
    const { fetch, firstTry } = losingFirstPost();
    const client = createClient({ url, fetch, retry: { baseMs: 10 } });
    proxy.delayMs = 1800;
    const out = await client
      .enqueueMany([
        { task: 'sp.echo', input: 'b1' },
        { task: 'sp.echo', input: 'b2' },
      ])
      .finally(() => {
        proxy.delayMs = 0;
      });
    expect(await Promise.all(firstTry)).toEqual([202]);
    expect(out.map((r) => r.status)).toEqual([202, 202]);
    const sent = (await drainQueue(QUEUE)).map((j) => j.id).sort();
    expect(sent).toEqual(out.map((r) => r.job?.id).sort());
  }, 40_000);
});
