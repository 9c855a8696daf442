import { randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore, type TcpResultStore } from '@warren/results';
import { createClient } from '@warren/sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { replyLosingProxy } from './reply-losing-proxy';
import { AMQP_URL, cleanUpRun, drainQueue, REDIS_URL } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * An idempotency key's claim that ran in Redis but whose reply was lost (the TCP store's command
 * timeout passed while the reply was on its way): the request answered 503 and published nothing,
 * yet the key named its job id. Every retry under that key then found a job "still being accepted"
 * that would never come (409 for the key's whole TTL, a day): the job was never enqueued.
 * Real Node ingest, RabbitMQ :5672, Redis :6379 behind a proxy that, once told, throws away the
 * replies on the store's connection: its next command (the claim) runs, and the TCP store times it
 * out (1 s here), drops the connection and makes a new one, which works.
 */
const RUN = `cl${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: {} },
  tasks: [defineTask({ name: 'cl.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

describe('an idempotency claim whose reply was lost', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let results: TcpResultStore;
  let proxy: Awaited<ReturnType<typeof replyLosingProxy>>;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let url = '';

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    proxy = await replyLosingProxy(Number(new URL(REDIS_URL).port));
    results = createRedisResultStore({
      redis: `redis://127.0.0.1:${proxy.port}`,
      prefix: `${RUN}:`,
      redisOptions: { commandTimeout: 1000 },
    });
    await results.get('00000000-0000-7000-8000-000000000000'); // connected before the replies are lost
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    server = await serveNode(createIngestApp({ config, producer, results }), 0, '127.0.0.1');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    server?.close();
    await results?.close();
    await proxy?.close();
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  it('does not hold its key: the retry enqueues the job, once', async () => {
    const statuses: number[] = [];
    const client = createClient({
      url,
      retry: { baseMs: 10 },
      fetch: async (u, init) => {
        const res = await fetch(u, init);
        statuses.push(res.status);
        return res;
      },
    });
    proxy.mute();
    const job = await client.enqueue('cl.echo', 'x', { idempotencyKey: `${RUN}-k` });
    expect(statuses[0]).toBe(503); // the claim's reply was lost
    expect(job.replayed).toBe(false);
    await new Promise((r) => setTimeout(r, 200)); // queue reads lag the confirm slightly
    expect((await drainQueue(QUEUE)).map((j) => j.id)).toEqual([job.id]);
  }, 20_000);
});
