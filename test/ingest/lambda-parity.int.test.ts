import { randomInt } from 'node:crypto';
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
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * The Lambda ingest answers what the Node ingest answers, for the same request as a Function URL,
 * a REST API and an ALB hand it to the function (base64 bodies, multiValueHeaders, header case,
 * cookies, repeated query keys, a body on GET), over real RabbitMQ (:5672) and Redis (:6379).
 */
const RUN = `lpar${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'lambda-parity-key-0123456789abc';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'lpar.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
const ctx = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const events = { 'Function URL': functionUrlEvent, 'REST API': restApiEvent, ALB: albEvent };
const auth: [string, string] = ['Authorization', `Bearer ${KEY}`];
const json: [string, string] = ['Content-Type', 'application/json'];

/** What must match: status, content type, and the body but for what names the job anew. */
const comparable = (a: Answer) => ({
  status: a.status,
  type: a.headers['content-type'],
  allow: a.headers.allow,
  body: parsed(a.body),
});
const parsed = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : text;
  } catch {
    return text;
  }
};

describe('Lambda ingest parity with the Node ingest on real RabbitMQ + Redis', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  let handler: (e: unknown, c: Context) => Promise<Parameters<typeof lambdaAnswer>[0]>;
  let id = '';

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    handler = createLambdaIngest({
      config,
      producer: ingest.producer,
      results: ingest.results,
    }) as unknown as typeof handler;
    const res = await sendNode(ingest.url, {
      method: 'POST',
      path: '/v1/jobs',
      headers: [auth, json],
      body: JSON.stringify({ task: 'lpar.echo', input: 'x' }),
    });
    id = (JSON.parse(res.body) as { id: string }).id;
  }, 60_000);
  afterAll(async () => ingest?.close());

  /** The request's answer from the Node server and from each Lambda trigger. */
  async function answers(r: RawRequest) {
    const out: Record<string, Answer> = { Node: await sendNode(ingest.url, r) };
    for (const [name, event] of Object.entries(events))
      out[name] = lambdaAnswer(await handler(event(r), ctx));
    return out;
  }
  async function expectParity(r: RawRequest, status: number) {
    const all = await answers(r);
    expect(comparable(all.Node!).status, all.Node!.body).toBe(status);
    for (const [name, a] of Object.entries(all)) expect(comparable(a), name).toEqual(comparable(all.Node!));
  }

  it('a GET or HEAD with a body (sent by some clients, meaningless) reads the job', async () => {
    const body = JSON.stringify({ ignored: true });
    await expectParity({ method: 'GET', path: `/v1/jobs/${id}`, headers: [auth, json], body }, 200);
    await expectParity({ method: 'HEAD', path: `/v1/jobs/${id}`, headers: [auth, json], body }, 200);
  });

  it('a repeated query key: the first value counts everywhere', async () => {
    const t0 = Date.now();
    const query: [string, string][] = [
      ['wait', '0s'],
      ['wait', '20s'],
    ];
    await expectParity({ method: 'GET', path: `/v1/jobs/${id}`, query, headers: [auth] }, 200);
    expect(Date.now() - t0).toBeLessThan(10_000); // no 20 s wait anywhere
  }, 30_000);

  it('header names in any case, cookies beside them, a base64 body: the job is enqueued', async () => {
    const r: RawRequest = {
      method: 'POST',
      path: '/v1/jobs',
      headers: [
        ['AUTHORIZATION', `Bearer ${KEY}`],
        ['content-TYPE', 'application/json; charset=utf-8'],
        ['Cookie', 'session=abc; theme=dark'],
      ],
      body: JSON.stringify({ task: 'lpar.echo', input: { text: 'héllo ✓' } }),
    };
    for (const a of Object.values(await answers(r))) {
      expect(a.status, a.body).toBe(202);
      const job = JSON.parse(a.body) as { id: string };
      const read = await sendNode(ingest.url, { method: 'GET', path: `/v1/jobs/${job.id}`, headers: [auth] });
      expect(JSON.parse(read.body)).toMatchObject({ input: { text: 'héllo ✓' } });
    }
  });

  it('refusals are the same problem: bad JSON, a doubled Authorization, a method not allowed', async () => {
    await expectParity({ method: 'POST', path: '/v1/jobs', headers: [auth, json], body: '{"task":' }, 400);
    await expectParity({ method: 'GET', path: `/v1/jobs/${id}`, headers: [auth, auth] }, 400);
    await expectParity({ method: 'PUT', path: `/v1/jobs/${id}`, headers: [auth, json], body: '{}' }, 405);
    await expectParity({ method: 'GET', path: '/v1/nowhere', headers: [auth] }, 404);
  });
});
