import { randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, type Publisher, TransportError } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore, type TcpResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { replyLosingProxy } from './reply-losing-proxy';
import { AMQP_URL, cleanUpRun, drainQueue, REDIS_URL } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A publish whose confirm was lost (503: the job may be in its queue) keeps its idempotency key
 * naming the job id, marked unconfirmed, so a retry publishes that same id (a worker runs an id
 * once). The mark is two store calls, a release and a claim: when the release ran but its reply
 * was lost (the TCP store's command timeout), the claim was never sent and the key was left free,
 * so the retry made a job of its own: two jobs. Real Node ingest, RabbitMQ :5672, Redis :6379
 * behind a proxy that, once told, throws away the replies on the store's connection (the store
 * times the command out after 500 ms, drops that connection and makes a new one, which works).
 */
const RUN = `sr${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: {} },
  tasks: [defineTask({ name: 'sr.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

describe('the unconfirmed mark of a lost confirm, its store reply lost', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let results: TcpResultStore;
  let proxy: Awaited<ReturnType<typeof replyLosingProxy>>;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let url = '';
  let loseConfirm = true;

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
    await results.get('00000000-0000-7000-8000-000000000000'); // connected before the replies are lost
    // The message reaches the queue, then the confirm is lost; so is the store's next reply.
    const lossy: Publisher = {
      publish: async (queue, job, opts) => {
        await broker.publisher.publish(queue, job, opts);
        if (!loseConfirm) return;
        loseConfirm = false;
        proxy.mute();
        throw new TransportError('connection lost before the broker confirmed', true);
      },
      close: async () => {},
    };
    const producer = createProducer({ config, publishers: new Map([['local', lossy]]), results });
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

  it('still names the job: the retry publishes the same id, not a second job', async () => {
    const post = () =>
      fetch(`${url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `${RUN}-k` },
        body: JSON.stringify({ task: 'sr.echo', input: 'x' }),
      });
    expect((await post()).status).toBe(503);
    const retry = await post();
    expect(retry.status).toBe(202);
    const { id } = (await retry.json()) as { id: string };
    await new Promise((r) => setTimeout(r, 200)); // queue reads lag the confirm slightly
    expect((await drainQueue(QUEUE)).map((j) => j.id)).toEqual([id, id]);
  }, 20_000);
});
