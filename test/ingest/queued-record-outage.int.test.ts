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
 * A job accepted while its result store was down for a moment (a restart, a failover): the broker
 * confirmed, so the ingest answered 202 `queued` and its record write failed. Its record was made
 * only when a worker took it: behind a backlog (or with no worker up) GET and the SDK's wait
 * answered 404 for a job the caller was told was accepted. Real Node ingest, RabbitMQ :5672 (no
 * worker: the job waits in its queue), a private redis-server stopped and started.
 */
const RUN = `qro${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [defineTask({ name: 'qro.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a job accepted while the result store is down', () => {
  let redis: PrivateRedis;
  let broker: AmqpBroker;
  let results: TcpResultStore;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let url = '';

  beforeAll(async () => {
    redis = await startPrivateRedis('queued record outage');
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

  it('gets its record once the store is back, while it waits in its queue', async () => {
    await redis.stop();
    let res: Response;
    try {
      res = await fetch(`${url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ task: 'qro.echo', input: 1 }),
      });
    } finally {
      await redis.start();
    }
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    let got: Response | undefined;
    for (let i = 0; i < 40 && got?.status !== 200; i++) {
      if (i > 0) await sleep(250);
      got = await fetch(`${url}/v1/jobs/${id}`);
    }
    expect(got?.status).toBe(200);
    expect(await got?.json()).toMatchObject({ id, state: 'queued', task: 'qro.echo', input: 1 });
  }, 30_000);
});
