import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { createLambdaIngest } from '@warren/ingest';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DOMAIN, httpApiEvent, setEventKey, v1Event } from './lambda-events';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A client generated from /openapi.json calls the API where the document says: its `servers`
 * (none means `/`, resolved against the document's URL). Behind an API Gateway stage the API lives
 * under `/<stage>`, as the job links say, and the document must say so too. The Lambda ingest on
 * API Gateway events and the Node ingest behind a prefix-stripping proxy, over real RabbitMQ
 * (:5672) and Redis (:6379).
 */
const RUN = `oas${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'openapi-servers-key-0123456789a';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'oas.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
const ctx = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
setEventKey(KEY);
type Doc = { servers?: { url: string }[] };

/** Where a client of the document fetched from `docUrl` sends `POST /v1/jobs`. */
const enqueueUrlOf = (doc: Doc, docUrl: string) => {
  const server = new URL(doc.servers?.[0]?.url ?? '/', docUrl).href.replace(/\/$/, '');
  return `${server}/v1/jobs`;
};

describe('/openapi.json names the URL the API is served at', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  let handler: (e: unknown, c: Context) => Promise<{ statusCode: number; body: string }>;

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    handler = createLambdaIngest({
      config,
      producer: ingest.producer,
      results: ingest.results,
    }) as unknown as typeof handler;
  }, 60_000);
  afterAll(async () => ingest?.close());

  const cases = {
    'HTTP API on stage dev': (m: string, p: string, b?: unknown) => httpApiEvent('dev', m, p, b),
    'REST API on stage prod': (m: string, p: string, b?: unknown) => v1Event('rest', 'prod', m, p, b),
    'HTTP API on $default': (m: string, p: string, b?: unknown) => httpApiEvent('$default', m, p, b),
  };
  for (const [name, event] of Object.entries(cases)) {
    it(`Lambda, ${name}: the document's server is where the job links point`, async () => {
      const stage = /stage (\w+)/.exec(name)?.[1];
      const docUrl = `https://${DOMAIN}${stage ? `/${stage}` : ''}/openapi.json`;
      const res = await handler(event('GET', '/openapi.json'), ctx);
      expect(res.statusCode).toBe(200);
      const enqueueUrl = enqueueUrlOf(JSON.parse(res.body) as Doc, docUrl);
      const job = await handler(event('POST', '/v1/jobs', { task: 'oas.echo', input: 1 }), ctx);
      const self = (JSON.parse(job.body) as { links: { self: string } }).links.self;
      expect(self.startsWith(`${enqueueUrl}/`), `${enqueueUrl} vs ${self}`).toBe(true);
    });
  }

  it('Node, behind a proxy serving it under /jobs-api (X-Forwarded-Prefix), and without one', async () => {
    const prefixed = (await (
      await fetch(`${ingest.url}/openapi.json`, { headers: { 'x-forwarded-prefix': '/jobs-api' } })
    ).json()) as Doc;
    expect(enqueueUrlOf(prefixed, 'https://example.com/jobs-api/openapi.json')).toBe(
      'https://example.com/jobs-api/v1/jobs',
    );
    const plain = (await (await fetch(`${ingest.url}/openapi.json`)).json()) as Doc;
    expect(enqueueUrlOf(plain, `${ingest.url}/openapi.json`)).toBe(`${ingest.url}/v1/jobs`);
  });
});
