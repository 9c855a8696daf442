import { createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';
import { AMQP_URL, cleanUpRun } from './support';

/**
 * What the Node ingest really answers is what its /openapi.json says: for each answer, its status
 * is listed for the operation, its content type and body match the schema given there, and the
 * headers listed with it are sent (those a client acts on: Retry-After, Location,
 * Idempotent-Replayed, WWW-Authenticate). Real RabbitMQ (:5672) and a private Redis, stopped for
 * the store-outage answers.
 */
const RUN = `oac${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'openapi-conformance-0123456789ab';
const MAIL = 'openapi-conformance-mail-012345';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }, { key: MAIL, name: 'mail', tasks: ['mail.*'] }] },
  ingest: { bodyLimitBytes: 4096 },
  tasks: [
    defineTask({ name: 'oac.add', queue: QUEUE, input: z.object({ a: z.number() }), handler: ({ a }) => a }),
    defineTask({ name: 'mail.send', queue: QUEUE, input: z.object({ to: z.email() }), handler: () => 1 }),
  ],
});
type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, Res> }>>;
  components: object;
};
type Res = { headers?: Record<string, unknown>; content?: Record<string, { schema?: object }> };

describe('the ingest answers what its OpenAPI document says (real RabbitMQ, private Redis)', () => {
  let redis: PrivateRedis;
  let base = '';
  let doc: Doc;
  let close: () => Promise<void>;
  const ajv = new Ajv2020({ strict: false, allErrors: true });

  beforeAll(async () => {
    redis = await startPrivateRedis('openapi conformance');
    const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    const results = createRedisResultStore({ redis: redis.url, prefix: `${RUN}:` });
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    const port = await freePort();
    const server = await serveNode(createIngestApp({ config, producer, results }), port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    doc = (await (await fetch(`${base}/openapi.json`)).json()) as Doc;
    ajv.addSchema({ ...doc, $id: 'https://ingest.test/openapi.json' });
    close = async () => {
      server.close();
      await results.close?.();
      await broker.close();
      await cleanUpRun(QUEUE, undefined, '');
      await redis.stop();
    };
  }, 60_000);
  afterAll(async () => close?.());

  /** Sends the request; any way the answer departs from the document is returned, not thrown. */
  async function call(
    method: string,
    path: string,
    init: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...init.headers };
    if (init.key !== null) headers.authorization = `Bearer ${init.key ?? KEY}`;
    if (init.body !== undefined) headers['content-type'] ??= 'application/json';
    const body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    const res = await fetch(base + path, {
      method,
      headers,
      body: init.body === undefined ? undefined : body,
    });
    const text = await res.text();
    const route = Object.keys(doc.paths).find((p) =>
      new RegExp(`^${p.replace(/\{\w+\}/g, '[^/]+')}$`).test(path.split('?')[0]!),
    )!;
    const where = `${method} ${route} ${res.status}`;
    const documented = doc.paths[route]?.[method.toLowerCase()]?.responses[String(res.status)];
    if (!documented) return { res, text, wrong: [`${where}: status not documented (${text.slice(0, 120)})`] };
    const wrong: string[] = [];
    const type = res.headers.get('content-type')?.split(';')[0] ?? '';
    const content = documented.content?.[type];
    if (!content) wrong.push(`${where}: content type ${type} not documented`);
    const pointer = `https://ingest.test/openapi.json#/paths/${route.replaceAll('/', '~1')}/${method.toLowerCase()}/responses/${res.status}/content/${type.replace('/', '~1')}/schema`;
    if (content?.schema && !ajv.validate({ $ref: pointer }, JSON.parse(text)))
      wrong.push(`${where}: body not as documented: ${ajv.errorsText()}`);
    for (const h of Object.keys(documented.headers ?? {}))
      if (!res.headers.has(h) && !(h === 'Retry-After' && res.status === 207))
        wrong.push(`${where}: documented header ${h} not sent`);
    return { res, text, wrong };
  }

  it('accepting, replaying, reading, cancelling and refusing', async () => {
    const wrong: string[] = [];
    const run = async (...a: Parameters<typeof call>) => {
      const r = await call(...a);
      wrong.push(...r.wrong);
      return r;
    };
    const job = await run('POST', '/v1/jobs', { body: { task: 'oac.add', input: { a: 1 } } });
    const id = (JSON.parse(job.text) as { id: string }).id;
    await run('POST', '/v1/jobs', { body: { task: 'oac.add', input: { a: 1 }, idempotencyKey: 'k' } });
    await run('POST', '/v1/jobs', { body: { task: 'oac.add', input: { a: 1 }, idempotencyKey: 'k' } });
    await run('POST', '/v1/jobs', { body: { task: 'oac.add', input: { a: 2 }, idempotencyKey: 'k' } });
    for (const body of [
      '{',
      '[]',
      { task: 'oac.add', input: {} },
      { task: 'nope' },
      { task: 'oac.add', x: 1 },
    ])
      await run('POST', '/v1/jobs', { body });
    await run('POST', '/v1/jobs', { body: { task: 'oac.add', input: { a: 1 } }, key: MAIL });
    await run('POST', '/v1/jobs', { body: { task: 'oac.add', input: { s: 'x'.repeat(5000) } } });
    await run('POST', '/v1/jobs', { body: '{}', headers: { 'content-type': 'text/plain' } });
    await run('POST', '/v1/jobs', { body: {}, key: null });
    await run('POST', '/v1/jobs', { body: {}, key: 'wrong' });
    const jobs = [
      { task: 'oac.add', input: { a: 1 } },
      { task: 'mail.send', input: { to: 'x' } },
    ];
    await run('POST', '/v1/jobs/batch', { body: { jobs: jobs.slice(0, 1) } });
    await run('POST', '/v1/jobs/batch', { body: { jobs } });
    await run('POST', '/v1/jobs/batch', { body: { jobs: [] } });
    await run('GET', `/v1/jobs/${id}`);
    await run('GET', `/v1/jobs/${id}?wait=200ms`);
    await run('GET', `/v1/jobs/${id}?wait=soon`);
    await run('GET', `/v1/jobs/${id}`, { key: MAIL });
    await run('GET', `/v1/jobs/${id.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}`);
    await run('DELETE', `/v1/jobs/${id}`);
    await run('DELETE', `/v1/jobs/${id}`);
    for (const path of ['/healthz', '/readyz', '/openapi.json', '/docs'])
      await run('GET', path, { key: null });
    expect(wrong).toEqual([]);
  });

  it('with the result store down: 503 with Retry-After, as documented', async () => {
    const job = await call('POST', '/v1/jobs', { body: { task: 'oac.add', input: { a: 1 } } });
    const id = (JSON.parse(job.text) as { id: string }).id;
    await redis.stop();
    try {
      const answers = [
        await call('GET', `/v1/jobs/${id}`),
        await call('GET', `/v1/jobs/${id}?wait=1s`),
        await call('DELETE', `/v1/jobs/${id}`),
        await call('POST', '/v1/jobs', {
          body: { task: 'oac.add', input: { a: 1 } },
          headers: { 'idempotency-key': 'd' },
        }),
        await call('GET', '/readyz', { key: null }),
      ];
      expect(answers.map((a) => a.res.status)).toEqual([503, 503, 503, 503, 503]);
      expect(answers.flatMap((a) => a.wrong)).toEqual([]);
    } finally {
      await redis.start();
    }
  }, 30_000);
});
