import {
  createExecutor,
  createProducer,
  defineConfig,
  defineTask,
  MemoryBroker,
  MemoryResultStore,
} from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { createClient, type WarrenClient } from '../http/client';
import { createDirectClient, type DirectClient } from './direct-client';

/**
 * `@warren/sdk/direct` is the HTTP client's API: code written against WarrenClient (a job helper, a
 * test double's caller) takes either client. It did not compile with the direct one: enqueueMany's
 * generic signature, declared twice, was two types TypeScript could not relate.
 */
const add = defineTask({
  name: 'demo.add',
  input: z.object({ a: z.number(), b: z.number() }),
  output: z.number(),
  handler: ({ a, b }) => a + b,
});
const config = defineConfig({ queues: { default: {} }, tasks: [add] });

let broker: MemoryBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

/** Code that knows only the client's API. */
async function sumTwice(client: WarrenClient): Promise<(number | undefined)[]> {
  const [one] = await client.enqueueMany([{ task: add, input: { a: 1, b: 2 } }]);
  const two = await client.enqueue(add, { a: 3, b: 4 });
  const done = [
    await client.wait(one!.job!.id, { timeoutMs: 5000 }),
    await client.wait(two, { timeoutMs: 5000 }),
  ];
  return done.map((r) => r.result as number | undefined);
}

it('a direct client is a WarrenClient: one helper runs on both', async () => {
  broker = new MemoryBroker();
  const results = new MemoryResultStore();
  const publishers = new Map([[config.region, broker]]);
  const executor = createExecutor({ tasks: config.tasks, results, workerId: 'w', resultTtlS: 60 });
  await broker.consume('default', (d) => executor.execute(d).then(() => {}));
  const app = createIngestApp({ config, producer: createProducer({ config, publishers, results }), results });
  const http = createClient({ url: 'http://ingest', fetch: (url, init) => app.request(url, init) });
  const direct: DirectClient = createDirectClient({ config, publishers, results });
  expect([await sumTwice(http), await sumTwice(direct)]).toEqual([
    [3, 7],
    [3, 7],
  ]);
});
