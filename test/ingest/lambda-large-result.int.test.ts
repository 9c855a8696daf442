import { randomInt } from 'node:crypto';
import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { createLambdaIngest } from '@warren/ingest';
import { createWorker } from '@warren/worker';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { functionUrlEvent, type RawRequest, restApiEvent } from './lambda-request-events';
import { AMQP_URL, startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * Lambda returns at most 6,291,556 bytes of JSON from a buffered invocation (a Function URL's
 * default mode, API Gateway, ALB: the Invoke API's 6 MB), measured as its serialised answer; a
 * larger one is an invocation error the caller sees as a bare 502, which the SDK retries until its
 * deadline. A job whose result is larger succeeded and cannot be read through a Lambda ingest.
 * Real RabbitMQ (:5672), Redis (:6379) and worker; the real Lambda handler with Function URL and
 * REST API events.
 */
const LAMBDA_MAX_ANSWER_BYTES = 6_291_556;
const RUN = `llr${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-q`;
const KEY = 'lambda-large-result-key-0123456789';
const big = defineTask({
  name: 'llr.big',
  queue: QUEUE,
  input: z.object({ mb: z.number() }),
  handler: ({ mb }) => 'x'.repeat(mb * 1024 * 1024),
});
const config = defineConfig({ queues: { [QUEUE]: {} }, auth: { keys: [{ key: KEY }] }, tasks: [big] });
const ctx = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
type Answer = {
  statusCode: number;
  body: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
};

describe('Lambda ingest: a record too large for a Lambda answer', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  let handler: (e: unknown, c: Context) => Promise<Answer>;
  let worker: ReturnType<typeof createWorker>;
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    handler = createLambdaIngest({ config, producer: ingest.producer, results: ingest.results }) as never;
    await broker.connect();
    worker = createWorker({ config, consumer: broker.consumer, results: ingest.results });
    await worker.start();
  }, 60_000);
  afterAll(async () => {
    await worker?.stop(2000);
    await broker.close();
    await ingest?.close();
  });

  const headers: [string, string][] = [
    ['authorization', `Bearer ${KEY}`],
    ['content-type', 'application/json'],
  ];
  const run = async (mb: number): Promise<string> => {
    const body = JSON.stringify({ task: 'llr.big', input: { mb } });
    const res = await handler(functionUrlEvent({ method: 'POST', path: '/v1/jobs', headers, body }), ctx);
    expect(res.statusCode).toBe(202);
    const { id } = JSON.parse(res.body) as { id: string };
    await eventually(async () => (await ingest.results.get(id))?.state === 'succeeded', 10_000);
    return id;
  };
  const get = (event: (r: RawRequest) => unknown, id: string) =>
    handler(event({ method: 'GET', path: `/v1/jobs/${id}`, headers }), ctx);
  const answerBytes = (a: Answer) => Buffer.byteLength(JSON.stringify(a));

  it('a 7 MB result is a problem naming the size and the limit, within what Lambda returns', async () => {
    const id = await run(7);
    for (const event of [functionUrlEvent, restApiEvent]) {
      const res = await get(event, id);
      expect(answerBytes(res)).toBeLessThanOrEqual(LAMBDA_MAX_ANSWER_BYTES);
      expect(res.statusCode).toBe(500);
      const type = res.headers?.['content-type'] ?? res.multiValueHeaders?.['content-type']?.[0];
      expect(type).toBe('application/problem+json');
      const problem = JSON.parse(res.body) as { type: string; status: number; detail: string };
      expect(problem).toMatchObject({ type: 'https://warren.dev/problems/response-too-large', status: 500 });
      expect(problem.detail).toMatch(/job \S+ is succeeded/);
      expect(problem.detail).toMatch(/\d{7} bytes as a Lambda answer, over the 6291556/);
      expect(problem.detail).toMatch(/@warren\/sdk\/direct/);
    }
  }, 30_000);

  it('a 5 MB result is answered as is', async () => {
    const id = await run(5);
    const res = await get(functionUrlEvent, id);
    expect(res.statusCode).toBe(200);
    expect(answerBytes(res)).toBeLessThanOrEqual(LAMBDA_MAX_ANSWER_BYTES);
    expect((JSON.parse(res.body) as { result: string }).result).toHaveLength(5 * 1024 * 1024);
  }, 30_000);
});
