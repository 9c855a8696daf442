import { createHash, randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore, type TcpResultStore, TRANSITION_LUA } from '@warren/results';
import { createClient } from '@warren/sdk';
import { createDirectClient } from '@warren/sdk/direct';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { replyLosingProxy } from './reply-losing-proxy';
import { AMQP_URL, cleanUpRun, REDIS_URL } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A cancel whose write ran in Redis but whose reply was lost (the TCP store's command timeout):
 * the ingest answered 503 (the direct client saw the same failure), the retry found the job
 * cancelled and the API's 409; either client must answer its cancel with the cancelled record.
 * Real Node ingest, RabbitMQ :5672, Redis :6379 behind a proxy that loses the reply to the next
 * transition script call (the store times it out after 500 ms and reconnects).
 */
const RUN = `cr${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: {} },
  tasks: [defineTask({ name: 'cr.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
/** The transition script's call: EVALSHA by its SHA-1, or EVAL with its text. */
const TRANSITION = [createHash('sha1').update(TRANSITION_LUA).digest('hex'), TRANSITION_LUA.slice(0, 200)];

describe('a cancel whose store write lost its reply', () => {
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
      redisOptions: { commandTimeout: 500 },
    });
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

  it('HTTP client: the retried DELETE answers the cancelled record', async () => {
    const statuses: number[] = [];
    const client = createClient({
      url,
      retry: { baseMs: 10 },
      fetch: async (u, init) => {
        const res = await fetch(u, init);
        if (init.method === 'DELETE') statuses.push(res.status);
        return res;
      },
    });
    const job = await client.enqueue('cr.echo', 'h', { delayMs: 60_000 });
    proxy.muteAfter(...TRANSITION);
    expect(await client.cancel(job.id)).toMatchObject({ id: job.id, state: 'cancelled' });
    expect(statuses).toEqual([503, 409]); // the write landed; its retry met it
  }, 20_000);

  it('direct client: the retried write answers the cancelled record', async () => {
    const direct = createDirectClient({
      config,
      publishers: new Map([['local', broker.publisher]]),
      results,
      retry: { baseMs: 10 },
    });
    const job = await direct.enqueue('cr.echo', 'd', { delayMs: 60_000 });
    proxy.muteAfter(...TRANSITION);
    expect(await direct.cancel(job.id)).toMatchObject({ id: job.id, state: 'cancelled' });
    expect(await redis.hget(`${RUN}:job:${job.id}`, 'state')).toBe('cancelled');
  }, 20_000);
});
