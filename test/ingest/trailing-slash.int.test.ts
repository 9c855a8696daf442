import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { createLambdaIngest } from '@warren/ingest';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { httpApiEvent, setEventKey } from './lambda-events';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A path with a trailing slash (`/v1/jobs/`) stays a 404 (a redirect would turn a POST into a GET
 * or drop its body in many clients, and one URL per resource keeps idempotency and links simple),
 * but its problem says which path was meant. The Node and the Lambda ingest answer alike, over real
 * RabbitMQ (:5672) and Redis (:6379); nothing is published.
 */
const RUN = `ts${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'trailing-slash-key-0123456789a';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'ts.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
const ctx = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
setEventKey(KEY);

type Answer = { status: number; type: string | undefined; detail: string };
const body = { task: 'ts.echo', input: 1 };

describe('a trailing slash on real RabbitMQ + Redis', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  let lambda: (e: unknown, c: Context) => Promise<{ statusCode: number; body: string } & Hdrs>;
  type Hdrs = { headers?: Record<string, string>; multiValueHeaders?: Record<string, string[]> };
  let id = '';

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    // The Lambda ingest over the same broker connection and store.
    lambda = createLambdaIngest({
      config,
      producer: ingest.producer,
      results: ingest.results,
    }) as unknown as typeof lambda;
    const res = await fetch(`${ingest.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify(body),
    });
    id = ((await res.json()) as { id: string }).id;
  }, 60_000);
  afterAll(async () => ingest?.close());

  const viaNode = async (method: string, path: string): Promise<Answer> => {
    const res = await fetch(`${ingest.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      ...(method === 'POST' ? { body: JSON.stringify(body) } : {}),
    });
    const p = (await res.json()) as { detail: string };
    return { status: res.status, type: res.headers.get('content-type') ?? undefined, detail: p.detail };
  };
  /** An HTTP API on stage dev: the caller's URL has /dev in front, so the hint has it too. */
  const viaLambda = async (method: string, path: string): Promise<Answer> => {
    const res = await lambda(httpApiEvent('dev', method, path, method === 'POST' ? body : undefined), ctx);
    const type = res.headers?.['content-type'] ?? res.multiValueHeaders?.['content-type']?.[0];
    return { status: res.statusCode, type, detail: (JSON.parse(res.body) as { detail: string }).detail };
  };

  for (const [name, call, prefix] of [
    ['Node', viaNode, ''],
    ['Lambda', viaLambda, '/dev'],
  ] as const) {
    it(`${name}: 404 problem+json naming the path without the slash; nothing published`, async () => {
      for (const [method, path, meant] of [
        ['POST', '/v1/jobs/', '/v1/jobs'],
        ['POST', '/v1/jobs/batch/', '/v1/jobs/batch'],
        ['GET', `/v1/jobs/${id}/`, `/v1/jobs/${id}`],
        ['GET', '/healthz/', '/healthz'],
      ] as const) {
        const a = await call(method, path);
        expect(a.status, `${method} ${path}`).toBe(404);
        expect(a.type).toBe('application/problem+json');
        expect(a.detail).toBe(
          `no route for ${method} ${prefix}${path}: remove the trailing slash (${method} ${prefix}${meant})`,
        );
      }
      // No route without the slash either: no suggestion.
      const nope = await call('GET', '/nope/');
      expect(nope.status).toBe(404);
      expect(nope.detail).not.toMatch(/trailing slash/);
      expect(await ingest.redis.keys(`${RUN}:job:*`)).toEqual([`${RUN}:job:${id}`]);
    });
  }
});
