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
 * An Idempotency-Key header with characters outside printable ASCII, on the Node ingest and the
 * Lambda ingest (Function URL, REST API, ALB) over real RabbitMQ (:5672) and Redis (:6379). Each
 * server read it as another key: Node takes the header's bytes as Latin-1 (a UTF-8 client's "é"
 * arrives as "Ã©"), hono/aws-lambda percent-encodes any value with non-ASCII characters ("zz%C3%A9").
 * So the same retry sent to both enqueued the job twice, the key the record shows was not the
 * one sent, and a header with the same key as the body was a 400 "different keys" on Lambda only.
 * Such a header is a 400 naming Idempotency-Key everywhere (the body's idempotencyKey, JSON and
 * so UTF-8, takes any characters), nothing published; printable ASCII keys are unchanged.
 */
const RUN = `ihk${Date.now() % 1_000_000}${Math.floor(Math.random() * 1000)}`;
const QUEUE = `${RUN}-work`;
const KEY = 'idempotency-ascii-key-0123456789';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'ihk.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
const ctx = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const events = { 'Function URL': functionUrlEvent, 'REST API': restApiEvent, ALB: albEvent };

describe('a non-ASCII Idempotency-Key header on real RabbitMQ + Redis (Node and Lambda ingest)', () => {
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

  it('400 naming Idempotency-Key on every adapter (alone, beside the same body key, on a batch); nothing published', async () => {
    // "é" as a Latin-1 byte, and as UTF-8's two bytes (what curl sends) read as Latin-1.
    for (const key of [`${RUN}-caf\u00e9`, `${RUN}-caf\u00c3\u00a9`]) {
      for (const r of [
        post(key, { task: 'ihk.echo', input: 1 }),
        post(key, { task: 'ihk.echo', input: 1, idempotencyKey: key }),
        post(key, { jobs: [{ task: 'ihk.echo', input: 1 }] }, '/v1/jobs/batch'),
      ]) {
        const all = await answers(r);
        for (const [name, a] of Object.entries(all)) {
          expect(a.status, `${name} ${r.path} ${r.body}: ${a.body}`).toBe(400);
          expect(a.headers['content-type'], name).toBe('application/problem+json');
          expect(JSON.parse(a.body), name).toEqual(JSON.parse(all.Node!.body));
          expect(JSON.parse(a.body).errors, name).toEqual([
            { path: 'Idempotency-Key', message: expect.stringMatching(/ASCII/) },
          ]);
        }
      }
    }
    expect(await drainQueue(QUEUE)).toEqual([]);
  });

  it('a printable ASCII key (spaces, symbols) is one key on every adapter: one job, replayed', async () => {
    const key = `${RUN} order 42/#!~"`;
    const all = await answers(post(key, { task: 'ihk.echo', input: 1 }));
    expect(all.Node!.status, all.Node!.body).toBe(202);
    const { id } = JSON.parse(all.Node!.body) as { id: string };
    for (const [name, a] of Object.entries(all).slice(1)) {
      expect(a.status, `${name}: ${a.body}`).toBe(200);
      expect(JSON.parse(a.body).id, name).toBe(id);
    }
    expect(await ingest.results.get(id)).toMatchObject({ id });
    expect(await drainQueue(QUEUE)).toHaveLength(1);
  });
});
