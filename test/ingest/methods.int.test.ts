import { randomInt } from 'node:crypto';
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
 * Methods a resource does not support, on the Node ingest over real RabbitMQ (:5672) and Redis
 * (:6379): 405 with Allow (RFC 9110 15.5.6) as problem+json, not a 404 saying the resource does
 * not exist; OPTIONS answers what is allowed. Nothing is published or deleted by them.
 */
const RUN = `mt${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'methods-key-0123456789abcdefgh';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'mt.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

describe('unsupported methods on real RabbitMQ + Redis (Node adapter)', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let base = '';
  let jobPath = '';

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    const results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    const port = await freePort();
    server = await serveNode(createIngestApp({ config, producer, results }), port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    const res = await call('POST', '/v1/jobs', { task: 'mt.echo', input: 1 });
    jobPath = `/v1/jobs/${((await res.json()) as { id: string }).id}`;
  }, 60_000);

  afterAll(async () => {
    server?.close();
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  function call(method: string, path: string, body?: unknown) {
    return fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  it('405 with Allow for a method the resource does not support', async () => {
    const cases: Array<[string, () => string, string]> = [
      ['GET', () => '/v1/jobs', 'POST'],
      ['PUT', () => '/v1/jobs', 'POST'],
      ['GET', () => '/v1/jobs/batch', 'POST'],
      ['DELETE', () => '/v1/jobs/batch', 'POST'],
      ['PUT', () => jobPath, 'GET, HEAD, DELETE'],
      ['POST', () => jobPath, 'GET, HEAD, DELETE'],
      ['PATCH', () => jobPath, 'GET, HEAD, DELETE'],
      ['POST', () => '/healthz', 'GET, HEAD'],
      ['DELETE', () => '/openapi.json', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await call(method, path(), method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(res.status, `${method} ${path()}`).toBe(405);
      expect(res.headers.get('allow'), `${method} ${path()}`).toBe(`${allow}, OPTIONS`);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 405, instance: path() });
    }
    // The job is untouched.
    expect(((await (await call('GET', jobPath)).json()) as { state: string }).state).toBe('queued');
  });

  it('OPTIONS answers 204 with Allow; unknown paths stay 404', async () => {
    const opts = await call('OPTIONS', '/v1/jobs');
    expect(opts.status).toBe(204);
    expect(opts.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await call('OPTIONS', jobPath)).headers.get('allow')).toBe('GET, HEAD, DELETE, OPTIONS');
    expect((await call('GET', '/v2/jobs')).status).toBe(404);
    expect((await call('GET', '/v1/nothing')).status).toBe(404);
  });
});
