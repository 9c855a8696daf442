import { randomInt } from 'node:crypto';
import http from 'node:http';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import { createClient } from '@warren/sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { AMQP_URL, cleanUpRun, drainQueue, REDIS_URL } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * The SDK against the Node ingest (real RabbitMQ :5672, Redis :6379) through a proxy that cuts
 * the first answer to each kind of request in the middle of its body: the job was accepted, the
 * client saw a network error. The retry (same idempotency key) must answer that job, not enqueue
 * another one.
 */
const RUN = `sc${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'sdk-cut-answer-key-0123456789ab';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'sc.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

describe('SDK retries after an answer cut mid-body (real RabbitMQ + Redis)', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let proxy: http.Server;
  let url = '';
  const cut = new Set<string>();

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    const results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    const port = await freePort();
    server = await serveNode(createIngestApp({ config, producer, results }), port, '127.0.0.1');
    // Forwards everything; the first answer per method and path loses its body after 10 bytes.
    proxy = http.createServer((req, res) => {
      const up = http.request(
        { host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const body = Buffer.concat(chunks);
            const route = `${req.method} ${req.url}`;
            res.writeHead(answer.statusCode!, { ...answer.headers, 'content-length': body.length });
            if (cut.has(route)) return void res.end(body);
            cut.add(route);
            res.write(body.subarray(0, 10));
            res.socket?.destroy();
          });
        },
      );
      req.pipe(up);
    });
    const proxyPort = await freePort();
    await new Promise<void>((r) => proxy.listen(proxyPort, '127.0.0.1', r));
    url = `http://127.0.0.1:${proxyPort}`;
  }, 60_000);

  afterAll(async () => {
    proxy?.close();
    server?.close();
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  it('enqueue and enqueueMany answer the jobs the cut tries accepted; each is published once', async () => {
    const client = createClient({ url, apiKey: KEY, retry: { baseMs: 10 } });
    const one = await client.enqueue('sc.echo', 'one');
    expect(one.replayed).toBe(false); // the retry's answer: the first try's job, as it answered
    const many = await client.enqueueMany([
      { task: 'sc.echo', input: 'two' },
      { task: 'sc.echo', input: 'three' },
    ]);
    expect(many.map((r) => r.status)).toEqual([202, 202]);
    await new Promise((r) => setTimeout(r, 200)); // queue reads lag the confirm slightly
    const queued = await drainQueue(QUEUE);
    expect(queued.map((j) => j.input).sort()).toEqual(['one', 'three', 'two']);
    expect(queued.find((j) => j.input === 'one')!.id).toBe(one.id);
    const read = await client.get(one.id);
    expect(read).toMatchObject({ id: one.id, state: 'queued' });
  });
});
