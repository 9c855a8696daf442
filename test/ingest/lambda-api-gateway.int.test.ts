import { randomInt } from 'node:crypto';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createLambdaIngest } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import type { Context } from 'aws-lambda';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DOMAIN, httpApiEvent, setEventKey, v1Event } from './lambda-events';
import { AMQP_URL, cleanUpRun, drainQueue, REDIS_URL } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * The Lambda ingest behind API Gateway as AWS calls it, over real RabbitMQ (:5672) and Redis
 * (:6379). An HTTP API (payload 2.0, or 1.0) on a named stage puts the stage in the path
 * (`/dev/v1/jobs`); a REST API routes on the path without it, while its callers' URLs have it.
 */
const RUN = `lg${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'lambda-gateway-key-0123456789ab';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'lg.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
const ctx = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
type Result = {
  statusCode: number;
  body: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
};

setEventKey(KEY);

describe('Lambda ingest behind API Gateway stages on real RabbitMQ + Redis', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let handler: (e: unknown, c: Context) => Promise<Result>;

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    redis = new Redis(REDIS_URL);
    const results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    handler = createLambdaIngest({ config, producer, results }) as unknown as typeof handler;
  }, 60_000);

  afterAll(async () => {
    await broker?.close();
    await cleanUpRun(QUEUE, redis, `${RUN}:`);
  });

  const events = {
    'HTTP API (2.0) on stage dev': (m: string, p: string, b?: unknown) => httpApiEvent('dev', m, p, b),
    'HTTP API (1.0) on stage dev': (m: string, p: string, b?: unknown) => v1Event('http', 'dev', m, p, b),
    'REST API on stage prod': (m: string, p: string, b?: unknown) => v1Event('rest', 'prod', m, p, b),
    'HTTP API (2.0) on $default': (m: string, p: string, b?: unknown) => httpApiEvent('$default', m, p, b),
  };

  const ids: string[] = [];
  for (const [name, event] of Object.entries(events)) {
    it(`${name}: enqueues (published once), reads and cancels the job`, async () => {
      const res = await handler(event('POST', '/v1/jobs', { task: 'lg.echo', input: name }), ctx);
      expect(res.statusCode, res.body).toBe(202);
      const job = JSON.parse(res.body) as { id: string; links: { self: string } };
      ids.push(job.id);
      // The job's link is the URL the caller reaches it at: with the stage API Gateway serves it under.
      const stage = /stage (\w+)/.exec(name)?.[1];
      const self = `https://${DOMAIN}${stage ? `/${stage}` : ''}/v1/jobs/${job.id}`;
      expect(job.links.self).toBe(self);
      expect(res.headers?.location ?? res.multiValueHeaders?.location?.[0]).toBe(self);
      const read = await handler(event('GET', `/v1/jobs/${job.id}`), ctx);
      expect(read.statusCode, read.body).toBe(200);
      expect(JSON.parse(read.body)).toMatchObject({ id: job.id, state: 'queued' });
      const cancelled = await handler(event('DELETE', `/v1/jobs/${job.id}`), ctx);
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      const health = await handler(event('GET', '/healthz'), ctx);
      expect(health.statusCode).toBe(200);
    });
  }

  it('a custom domain (no stage in the path) on a stage named like a path segment (v1) routes as is', async () => {
    const e = httpApiEvent('$default', 'POST', '/v1/jobs', { task: 'lg.echo', input: 'custom' });
    const custom = {
      ...e,
      headers: { ...e.headers, host: 'jobs.example.com' },
      requestContext: {
        ...e.requestContext,
        stage: 'v1',
        domainName: 'jobs.example.com',
        domainPrefix: 'jobs',
      },
    };
    const res = await handler(custom, ctx);
    expect(res.statusCode, res.body).toBe(202);
    ids.push((JSON.parse(res.body) as { id: string }).id);
  });

  it("drops the caller's own X-Forwarded-Prefix: API Gateway's path is the one that counts", async () => {
    const e = httpApiEvent('$default', 'POST', '/v1/jobs', { task: 'lg.echo', input: 'spoof' });
    const res = await handler({ ...e, headers: { ...e.headers, 'X-Forwarded-Prefix': '/elsewhere' } }, ctx);
    expect(res.statusCode, res.body).toBe(202);
    const job = JSON.parse(res.body) as { id: string; links: { self: string } };
    ids.push(job.id);
    expect(job.links.self).toBe(`https://${DOMAIN}/v1/jobs/${job.id}`);
  });

  it('a long-poll answers within the invocation: ?wait=10s with 3 s left ends before Lambda would kill it', async () => {
    const e = (m: string, p: string, b?: unknown) => httpApiEvent('$default', m, p, b);
    const res = await handler(e('POST', '/v1/jobs', { task: 'lg.echo', input: 'short' }), ctx);
    const job = JSON.parse(res.body) as { id: string };
    ids.push(job.id);
    const t0 = Date.now();
    const short = { ...ctx, getRemainingTimeInMillis: () => 3000 - (Date.now() - t0) } as Context;
    const read = await handler(e('GET', `/v1/jobs/${job.id}?wait=10s`), short);
    expect(read.statusCode, read.body).toBe(200);
    expect(JSON.parse(read.body)).toMatchObject({ id: job.id, state: 'queued' });
    expect(Date.now() - t0).toBeLessThan(3000);
  }, 15_000);

  it("behind API Gateway, ?wait=30s answers before the gateway's 29 s limit (a 504 otherwise)", async () => {
    const e = (m: string, p: string, b?: unknown) => v1Event('rest', 'prod', m, p, b);
    const res = await handler(e('POST', '/v1/jobs', { task: 'lg.echo', input: 'gateway' }), ctx);
    const job = JSON.parse(res.body) as { id: string };
    ids.push(job.id);
    const t0 = Date.now();
    const roomy = { ...ctx, getRemainingTimeInMillis: () => 60_000 - (Date.now() - t0) } as Context;
    const read = await handler(e('GET', `/v1/jobs/${job.id}?wait=30s`), roomy);
    expect(read.statusCode, read.body).toBe(200);
    expect(Date.now() - t0).toBeLessThan(29_000);
  }, 45_000);

  it('published each of those jobs once', async () => {
    await new Promise((r) => setTimeout(r, 200)); // queue reads lag the confirm slightly
    expect((await drainQueue(QUEUE)).map((j) => j.id).sort()).toEqual([...ids].sort());
  });
});
