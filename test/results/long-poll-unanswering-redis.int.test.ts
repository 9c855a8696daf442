import { randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore, type TcpResultStore } from '@warren/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun } from '../ingest/support';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { deleteKeys } from './delete-keys';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * `GET /v1/jobs/:id?wait=1s` when Redis stops answering (a partition, a frozen server) before
 * the request: the long-poll answers about when its wait ends (a 503), not at the store's 10 s
 * command timeout. The Node ingest over real RabbitMQ and the shared Redis behind a proxy that
 * holds every chunk.
 */
const RUN = `h55lp${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [defineTask({ name: 'lp.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

describe('a long-poll over a Redis that stops answering', () => {
  let proxy: TcpProxy;
  let broker: AmqpBroker;
  let results: TcpResultStore;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let url = '';

  beforeAll(async () => {
    proxy = await startTcpProxy(6379);
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    results = createRedisResultStore({ redis: `redis://127.0.0.1:${proxy.port}`, prefix: `${RUN}:` });
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    server = await serveNode(createIngestApp({ config, producer, results }), 0, '127.0.0.1');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    proxy.delayMs = 0;
    server?.close();
    await results?.close().catch(() => {});
    await broker?.close();
    await proxy?.close();
    await cleanUpRun(QUEUE, undefined, '');
    await deleteKeys('redis://127.0.0.1:6379', `${RUN}:`);
  });

  it('answers a 503 about when its wait ends', async () => {
    const res = await fetch(`${url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'lp.echo', input: 1 }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    proxy.delayMs = 30_000;
    const t0 = Date.now();
    const poll = await fetch(`${url}/v1/jobs/${id}?wait=1s`);
    const ms = Date.now() - t0;
    expect(poll.status).toBe(503);
    expect(ms).toBeLessThan(2_500); // 10 s before: the first read waited for the command timeout
  }, 30_000);
});
