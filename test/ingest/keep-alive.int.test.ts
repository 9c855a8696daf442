import { randomInt } from 'node:crypto';
import type http from 'node:http';
import net from 'node:net';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { AMQP_URL, cleanUpRun, REDIS_URL } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * The Node ingest behind a load balancer (real RabbitMQ :5672, Redis :6379). An ALB keeps idle
 * connections to its targets for 60 s and nginx's upstream keep-alive for 60 s too; a server
 * that closes an idle connection sooner races the balancer's next request on it, which the
 * balancer answers 502 (a POST it cannot resend: the job is neither accepted nor refused).
 * Node's default is 5 s. The ingest must keep an idle keep-alive connection open for longer.
 */
const RUN = `ka${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'keep-alive-key-0123456789abcdef';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'ka.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

describe('idle keep-alive connections (Node adapter, real RabbitMQ + Redis)', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let port = 0;

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    const results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    port = await freePort();
    server = await serveNode(createIngestApp({ config, producer, results }), port, '127.0.0.1');
  }, 60_000);

  afterAll(async () => {
    (server as http.Server | undefined)?.closeAllConnections();
    server?.close();
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  /** Sends one POST on the socket and resolves with the answer's status line. */
  function post(sock: net.Socket, input: number): Promise<string> {
    const body = JSON.stringify({ task: 'ka.echo', input });
    return new Promise((resolve, reject) => {
      let got = '';
      const onData = (d: Buffer) => {
        got += d.toString();
        const head = got.indexOf('\r\n\r\n');
        const len = /content-length: (\d+)/i.exec(got)?.[1];
        if (head >= 0 && len && got.length >= head + 4 + Number(len)) {
          sock.off('data', onData);
          resolve(got.slice(0, got.indexOf('\r\n')));
        }
      };
      sock.on('data', onData);
      sock.once('error', reject);
      sock.write(
        `POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
    });
  }

  it('an idle keep-alive connection is still open 7 s later and takes the next request', async () => {
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    let closedAfterMs: number | undefined;
    const t0 = Date.now();
    sock.once('close', () => {
      closedAfterMs = Date.now() - t0;
    });
    expect(await post(sock, 1)).toBe('HTTP/1.1 202 Accepted');
    await new Promise((r) => setTimeout(r, 7000));
    expect(closedAfterMs).toBeUndefined();
    expect(await post(sock, 2)).toBe('HTTP/1.1 202 Accepted');
    sock.destroy();
  }, 20_000);
});
