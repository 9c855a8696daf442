import net from 'node:net';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { AMQP_URL, cleanUpRun, drainQueue, REDIS_URL } from './support';

/**
 * A client that hangs up in the middle of its body (a dropped mobile link, a killed upload), on
 * the Node ingest over real RabbitMQ (:5672) and Redis (:6379). The body read failed with Node's
 * "aborted", which the app took for an internal error: onError logged it and the request metric
 * counted a 500, so every such client raised the server-error rate an alert watches. It is the
 * client's doing: a 4xx (400, the body cut short), not logged as an error; nothing published.
 */
const RUN = `abu${Date.now() % 1_000_000}${Math.floor(Math.random() * 1000)}`;
const QUEUE = `${RUN}-work`;
const KEY = 'aborted-upload-key-0123456789ab';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'abu.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

describe('an upload cut off by its client on real RabbitMQ + Redis (Node adapter)', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let port = 0;
  const errors: unknown[] = [];
  const requests: { route: string; status: number }[] = [];

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    const results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    port = await freePort();
    const app = createIngestApp({
      config,
      producer,
      results,
      onError: (err) => errors.push(err),
      onRequest: (r) => requests.push(r),
    });
    server = await serveNode(app, port, '127.0.0.1');
  }, 60_000);

  afterAll(async () => {
    server?.close();
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  /** Sends the headers and part of the body, then closes the connection; resolves once the ingest has seen the request end. */
  async function cutOff(path: string, head: string, declared: string) {
    const before = requests.length;
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(
      `POST ${path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY}\r\ncontent-type: application/json\r\n${declared}\r\n\r\n${head}`,
    );
    await new Promise((r) => setTimeout(r, 100));
    sock.destroy();
    for (let i = 0; i < 100 && requests.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    return requests.slice(before);
  }

  it('a body cut short (Content-Length or chunked) is a 4xx, not a 500 logged as an internal error', async () => {
    const head = '{"task":"abu.echo","input":"';
    const seen = [
      ...(await cutOff('/v1/jobs', head, 'content-length: 500')),
      ...(await cutOff(
        '/v1/jobs',
        `${head.length.toString(16)}\r\n${head}\r\n`,
        'transfer-encoding: chunked',
      )),
      ...(await cutOff('/v1/jobs/batch', head, 'content-length: 500')),
    ];
    expect(seen.map((r) => r.status)).toEqual([400, 400, 400]);
    expect(errors).toEqual([]);
    expect(await drainQueue(QUEUE)).toEqual([]);
  });
});
