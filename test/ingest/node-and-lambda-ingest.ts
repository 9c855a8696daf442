import { defineConfig, defineTask } from '@warren/core';
import { createLambdaIngest } from '@warren/ingest';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll } from 'vitest';
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

const ctx = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const events = { 'Function URL': functionUrlEvent, 'REST API': restApiEvent, ALB: albEvent };
type Handler = (e: unknown, c: Context) => Promise<Parameters<typeof lambdaAnswer>[0]>;

/**
 * The Node ingest and the Lambda ingest (Function URL, REST API, ALB events) over one producer
 * and store on real RabbitMQ (:5672) and Redis (:6379): one API key, and one task `<prefix>.echo`
 * on a queue of the run's own. `answers(r)` sends the same request to each and returns what each
 * answered, for parity checks. Call it inside a describe: it registers the start and the close.
 */
export function nodeAndLambdaIngest(prefix: string) {
  const run = `${prefix}${Date.now() % 1_000_000}${Math.floor(Math.random() * 1000)}`;
  const queue = `${run}-work`;
  const key = `${prefix}-ingest-test-key-0123456789abcdef`;
  const task = `${prefix}.echo`;
  const config = defineConfig({
    queues: { [queue]: {} },
    auth: { keys: [{ key }] },
    tasks: [defineTask({ name: task, queue, input: z.unknown(), handler: (x) => x })],
  });
  let ingest: Awaited<ReturnType<typeof startNodeIngest>> | undefined;
  let handler: Handler | undefined;

  beforeAll(async () => {
    ingest = await startNodeIngest(config, run, queue);
    handler = createLambdaIngest({
      config,
      producer: ingest.producer,
      results: ingest.results,
    }) as unknown as Handler;
  }, 60_000);
  afterAll(async () => ingest?.close());

  return {
    run,
    queue,
    key,
    task,
    results: () => ingest!.results,
    async answers(r: RawRequest): Promise<Record<string, Answer>> {
      const out: Record<string, Answer> = { Node: await sendNode(ingest!.url, r) };
      for (const [name, event] of Object.entries(events))
        out[name] = lambdaAnswer(await handler!(event(r), ctx));
      return out;
    },
  };
}
