import { randomInt } from 'node:crypto';
import net from 'node:net';
import { defineConfig, defineTask } from '@warren/core';
import { createLambdaIngest } from '@warren/ingest';
import type { Context } from 'aws-lambda';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { setEventKey, v1Event } from './lambda-events';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * An Authorization header sent twice is a malformed request (RFC 9110: one credential; RFC 6750:
 * 400 invalid_request), not a bad key: 400 naming Authorization, on the Lambda ingest behind a
 * REST API (payload 1.0: both values in multiValueHeaders, which hono joins with ", ") or an ALB
 * (joined with "; ") and on the Node ingest (", "), over real RabbitMQ (:5672) and Redis (:6379).
 */
const RUN = `da${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'duplicate-auth-key-0123456789a';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'da.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
const ctx = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
setEventKey(KEY);

type Problem = { status: number; errors?: { path: string }[] };
const expectAuthorization400 = (status: number, contentType: string | undefined, body: string) => {
  expect(status, body).toBe(400);
  expect(contentType).toBe('application/problem+json');
  expect((JSON.parse(body) as Problem).errors?.map((e) => e.path)).toEqual(['Authorization']);
};

describe('a duplicated Authorization header on real RabbitMQ + Redis', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  let redis: Redis;
  let handler: (e: unknown, c: Context) => Promise<{ statusCode: number; body: string } & Headers>;
  type Headers = { headers?: Record<string, string>; multiValueHeaders?: Record<string, string[]> };

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    redis = ingest.redis;
    // The Lambda ingest over the same broker connection and store.
    handler = createLambdaIngest({
      config,
      producer: ingest.producer,
      results: ingest.results,
    }) as unknown as typeof handler;
  }, 60_000);
  afterAll(async () => ingest?.close());

  it('Lambda, REST API (payload 1.0): 400 naming Authorization; one header still enqueues', async () => {
    const ok = await handler(v1Event('rest', 'prod', 'POST', '/v1/jobs', { task: 'da.echo', input: 1 }), ctx);
    expect(ok.statusCode, ok.body).toBe(202);
    const e = v1Event('rest', 'prod', 'POST', '/v1/jobs', { task: 'da.echo', input: 2 });
    // API Gateway puts every value in multiValueHeaders and the last one in headers.
    for (const second of [`Bearer ${KEY}`, 'Bearer someone-else-0123456789']) {
      const twice = {
        ...e,
        headers: { ...e.headers, Authorization: second },
        multiValueHeaders: { ...e.multiValueHeaders, Authorization: [`Bearer ${KEY}`, second] },
      };
      const res = await handler(twice, ctx);
      const type = res.headers?.['content-type'] ?? res.multiValueHeaders?.['content-type']?.[0];
      expectAuthorization400(res.statusCode, type, res.body);
    }
    expect(await redis.keys(`${RUN}:job:*`)).toHaveLength(1);
  });

  it('Lambda, ALB with multi-value headers (joined with "; "): 400 naming Authorization', async () => {
    const body = JSON.stringify({ task: 'da.echo', input: 4 });
    const albEvent = (authorization: string[]) => ({
      requestContext: {
        elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/abc' },
      },
      httpMethod: 'POST',
      path: '/v1/jobs',
      multiValueQueryStringParameters: {},
      multiValueHeaders: {
        host: ['ingest.example.com'],
        'content-type': ['application/json'],
        'x-forwarded-proto': ['https'],
        authorization,
      },
      body,
      isBase64Encoded: false,
    });
    const ok = await handler(albEvent([`Bearer ${KEY}`]), ctx);
    expect(ok.statusCode, ok.body).toBe(202);
    const res = await handler(albEvent([`Bearer ${KEY}`, `Bearer ${KEY}`]), ctx);
    const type = res.headers?.['content-type'] ?? res.multiValueHeaders?.['content-type']?.[0];
    expectAuthorization400(res.statusCode, type, res.body);
    expect(await redis.keys(`${RUN}:job:*`)).toHaveLength(2);
  });

  it('Node: 400 naming Authorization', async () => {
    const { port } = new URL(ingest.url);
    const body = JSON.stringify({ task: 'da.echo', input: 3 });
    // fetch cannot send a header twice: a raw HTTP/1.1 request can, as a proxy might.
    const raw = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(Number(port), '127.0.0.1', () => {
        sock.write(
          `POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nAuthorization: Bearer ${KEY}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
      let out = '';
      sock.on('data', (d) => {
        out += d;
      });
      sock.on('end', () => resolve(out));
      sock.on('error', reject);
    });
    const [head, payload] = raw.split('\r\n\r\n') as [string, string];
    const status = Number(head.split(' ')[1]);
    const type = /\r\ncontent-type: ([^\r]+)/i.exec(head)?.[1];
    expectAuthorization400(status, type, payload);
    expect(await redis.keys(`${RUN}:job:*`)).toHaveLength(2); // the Lambda tests' two
  });
});
