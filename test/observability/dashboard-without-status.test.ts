import { createProducer, defineConfig, MemoryBroker, MemoryResultStore } from '@warren/core';
import { createIngestApp, createLambdaIngest } from '@warren/ingest';
import { createLogger, createObservability } from '@warren/observability';
import type { Context } from 'aws-lambda';
import { expect, it } from 'vitest';
import { exampleTasks } from '../../examples/tasks';
import { functionUrlEvent, lambdaAnswer } from '../ingest/lambda-request-events';

const ctx = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
type Handler = (e: unknown, c: Context) => Promise<Parameters<typeof lambdaAnswer>[0]>;

// The Lambda ingest serves no /status.json (docs/deploy.md: nothing can scrape a function), yet it
// served /dashboard and listed it in /openapi.json: the page polled status.json, got 404s and said
// 'Cannot reach the status endpoint: status.json answered 404' for as long as it was open.
it('an ingest without /status.json serves no /dashboard and does not document one', async () => {
  const key = 'dash-lambda-key-0123456789';
  const config = defineConfig({ tasks: exampleTasks, auth: { keys: [{ key }] } });
  const broker = new MemoryBroker();
  const results = new MemoryResultStore();
  const producer = createProducer({ config, publishers: new Map([['local', broker]]), results });
  const lambda = createLambdaIngest({ config, producer, results }) as unknown as Handler;
  const get = async (path: string) =>
    lambdaAnswer(
      await lambda(
        functionUrlEvent({ method: 'GET', path, headers: [['authorization', `Bearer ${key}`]] }),
        ctx,
      ),
    );
  expect((await get('/status.json')).status).toBe(404);
  expect((await get('/dashboard')).status).toBe(404);
  expect(Object.keys(JSON.parse((await get('/openapi.json')).body).paths)).not.toContain('/dashboard');

  // Where observability mounts /status.json (warren dev, warren ingest), the dashboard is there.
  const obs = createObservability({ config, logger: createLogger({ level: 'silent' }) });
  const node = createIngestApp({ config, producer, results, extend: obs.extend });
  expect((await node.request('/dashboard')).status).toBe(200);
  const doc = (await (await node.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
  expect(Object.keys(doc.paths)).toContain('/dashboard');
  await broker.close();
});
