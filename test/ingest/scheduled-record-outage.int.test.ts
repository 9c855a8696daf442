import type { AddressInfo } from 'node:net';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore, type TcpResultStore } from '@warren/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';
import { AMQP_URL, cleanUpRun } from './support';

/**
 * A delayed job accepted while its result store was down for a moment (a restart, a failover):
 * the broker confirmed, so the ingest answered 202 `scheduled` and its record write failed. The
 * record was made only when a worker took the job, at its due time: until then GET and DELETE
 * answered 404 (an hour's delay: an hour the caller could neither see nor cancel the job it was
 * told was accepted). Real Node ingest, RabbitMQ :5672, a private redis-server stopped and started.
 */
const RUN = `so${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [defineTask({ name: 'so.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a delayed job accepted while the result store is down', () => {
  let redis: PrivateRedis;
  let broker: AmqpBroker;
  let results: TcpResultStore;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let url = '';

  beforeAll(async () => {
    redis = await startPrivateRedis('scheduled record outage');
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    results = createRedisResultStore({ redis: redis.url, prefix: `${RUN}:` });
    const producer = createProducer({
      config,
      publishers: new Map([['local', broker.publisher]]),
      results,
      onRecordError: () => {},
    });
    server = await serveNode(createIngestApp({ config, producer, results }), 0, '127.0.0.1');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    server?.close();
    await results?.close();
    await broker?.close();
    await cleanUpRun(QUEUE, undefined, '');
    await redis?.stop();
  });

  it('gets its record once the store is back: readable and cancellable before it is due', async () => {
    await redis.stop();
    let res: Response;
    try {
      res = await fetch(`${url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ task: 'so.echo', input: 1, delayMs: 3_600_000 }),
      });
    } finally {
      await redis.start();
    }
    expect(res.status).toBe(202);
    const { id, state } = (await res.json()) as { id: string; state: string };
    expect(state).toBe('scheduled');
    let got = 0;
    for (let i = 0; i < 40 && got !== 200; i++) {
      if (i > 0) await sleep(250);
      got = (await fetch(`${url}/v1/jobs/${id}`)).status;
    }
    expect(got).toBe(200);
    const cancelled = await fetch(`${url}/v1/jobs/${id}`, { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ id, state: 'cancelled' });
  }, 30_000);
});
