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
 * The Idempotency-Key header sent twice, on the Node ingest and the Lambda ingest (Function URL,
 * REST API, ALB) over real RabbitMQ (:5672) and Redis (:6379). Each server joined the two into one
 * key the caller never sent, and not the same one: Node "k1, k2", a Function URL "k1,k2", an ALB
 * "k1; k2" (hono/aws-lambda). The request was taken as keyed, and the same retry through two
 * adapters enqueued the job twice. Like a doubled Authorization, it is a 400 naming the header;
 * as a Function URL's join cannot be told from one value with a comma, the header's key has no
 * commas (the body's idempotencyKey takes any characters).
 */
const RUN = `ihr${Date.now() % 1_000_000}${Math.floor(Math.random() * 1000)}`;
const QUEUE = `${RUN}-work`;
const KEY = 'idempotency-repeat-key-012345678';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'ihr.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
const ctx = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const events = { 'Function URL': functionUrlEvent, 'REST API': restApiEvent, ALB: albEvent };

describe('a repeated Idempotency-Key header on real RabbitMQ + Redis (Node and Lambda ingest)', () => {
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
  const post = (key: string, body: object, path = '/v1/jobs'): RawRequest => ({
    method: 'POST',
    path,
    headers: [
      ['Authorization', `Bearer ${KEY}`],
      ['Content-Type', 'application/json'],
      ['Idempotency-Key', key],
    ],
    body: JSON.stringify(body),
  });

  it('400 naming Idempotency-Key for the header twice (same or other values) on every adapter; nothing published', async () => {
    const both = (
      a: string,
      b: string,
      path = '/v1/jobs',
      body: object = { task: 'ihr.echo', input: 1 },
    ) => ({
      ...post(a, body, path),
      headers: [...post(a, body, path).headers, ['Idempotency-Key', b] as [string, string]],
    });
    for (const r of [
      both(`${RUN}-k1`, `${RUN}-k2`),
      both(`${RUN}-k3`, `${RUN}-k3`),
      both(`${RUN}-k4`, `${RUN}-k5`, '/v1/jobs/batch', { jobs: [{ task: 'ihr.echo', input: 1 }] }),
      post(`${RUN}-a,b`, { task: 'ihr.echo', input: 1 }),
    ]) {
      const all = await answers(r);
      for (const [name, a] of Object.entries(all)) {
        expect(a.status, `${name} ${JSON.stringify(r.headers)}: ${a.body}`).toBe(400);
        expect(JSON.parse(a.body), name).toEqual(JSON.parse(all.Node!.body));
        expect(JSON.parse(a.body).errors, name).toEqual([
          { path: 'Idempotency-Key', message: expect.stringMatching(/comma/) },
        ]);
      }
    }
    expect(await drainQueue(QUEUE)).toEqual([]);
  });

  it('one header (semicolons and spaces allowed) or a body key with a comma: one job, replayed everywhere', async () => {
    for (const r of [
      post(`${RUN} a; b`, { task: 'ihr.echo', input: 1 }),
      {
        ...post('x', { task: 'ihr.echo', input: 1, idempotencyKey: `${RUN}-a,b` }),
        headers: post('x', {}).headers.slice(0, 2),
      },
    ]) {
      const all = await answers(r);
      expect(all.Node!.status, all.Node!.body).toBe(202);
      const { id } = JSON.parse(all.Node!.body) as { id: string };
      for (const [name, a] of Object.entries(all).slice(1)) {
        expect(a.status, `${name}: ${a.body}`).toBe(200);
        expect(JSON.parse(a.body).id, name).toBe(id);
      }
    }
    expect(await drainQueue(QUEUE)).toHaveLength(2);
  });
});
