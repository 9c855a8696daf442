import { defineConfig, defineTask } from '@warren/core';
import { createLambdaIngest } from '@warren/ingest';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type Answer,
  albEvent,
  functionUrlEvent,
  lambdaAnswer,
  type RawRequest,
  restApiEvent,
  sendNode,
} from './lambda-request-events';
import { drainQueue, startNodeIngest } from './support';

/**
 * A method the Fetch API refuses to build a Request with (TRACE), on the Lambda ingest
 * (Function URL, REST API, ALB events) against the Node ingest, over real RabbitMQ (:5672) and
 * Redis (:6379). hono/aws-lambda failed to build the request and answered 400 text/plain "Invalid
 * request" (logging a stack) on every path, the one answer not problem+json, where Node answers a
 * 405 with Allow on a resource, a 404 elsewhere and a 401 without a key under /v1.
 */
const RUN = `lfm${Date.now() % 1_000_000}${Math.floor(Math.random() * 1000)}`;
const QUEUE = `${RUN}-work`;
const KEY = 'forbidden-methods-key-0123456789';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'lfm.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
const ctx = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const events = { 'Function URL': functionUrlEvent, 'REST API': restApiEvent, ALB: albEvent };

describe('TRACE on the Lambda ingest, as on Node (real RabbitMQ + Redis)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  let handler: (e: unknown, c: Context) => Promise<Parameters<typeof lambdaAnswer>[0]>;

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    handler = createLambdaIngest({
      config,
      producer: ingest.producer,
      results: ingest.results,
    }) as unknown as typeof handler;
  }, 60_000);
  afterAll(async () => ingest?.close());

  async function answers(r: RawRequest): Promise<Record<string, Answer>> {
    const out: Record<string, Answer> = { Node: await sendNode(ingest.url, r) };
    for (const [name, event] of Object.entries(events))
      out[name] = lambdaAnswer(await handler(event(r), ctx));
    return out;
  }

  it('the same problem (405 with Allow, 404, 401) as the Node ingest, nothing published', async () => {
    const auth: [string, string] = ['Authorization', `Bearer ${KEY}`];
    const cases: [string, string, [string, string][], number][] = [
      ['TRACE', '/v1/jobs', [auth], 405],
      ['TRACE', '/v1/jobs/01920000-0000-7000-8000-000000000000', [auth], 405],
      ['TRACE', '/healthz', [], 405],
      ['TRACE', '/nowhere', [], 404],
      ['TRACE', '/v1/jobs', [], 401],
    ];
    for (const [method, path, headers, status] of cases) {
      const all = await answers({ method, path, headers });
      expect(all.Node!.status, `Node ${method} ${path}`).toBe(status);
      for (const [name, a] of Object.entries(all)) {
        const what = `${name} ${method} ${path}: ${a.body}`;
        expect(a.status, what).toBe(status);
        expect(a.headers['content-type'], what).toBe('application/problem+json');
        expect(a.headers.allow, what).toBe(all.Node!.headers.allow);
        expect(JSON.parse(a.body), what).toEqual(JSON.parse(all.Node!.body));
      }
    }
    expect(await drainQueue(QUEUE)).toEqual([]);
  });
});
