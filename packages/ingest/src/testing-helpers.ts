import {
  type ConfigInput,
  createProducer,
  defineConfig,
  defineTask,
  MemoryBroker,
  MemoryResultStore,
  type Publisher,
  type ResultStore,
} from '@warren/core';
import { z } from 'zod';
import { createIngestApp, type IngestDeps } from './app';

export const testTasks = [
  defineTask({
    name: 'demo.add',
    input: z.object({ a: z.number(), b: z.number() }),
    handler: ({ a, b }) => a + b,
  }),
  defineTask({ name: 'email.send', input: z.object({ to: z.email() }), handler: () => 'sent' }),
  defineTask({ name: 'demo.echo', input: z.unknown(), handler: (x) => x }),
];

export const KEY_ALL = 'test-key-all-0123456789abcdef';
export const KEY_EMAIL = 'test-key-email-0123456789abcd';

/** An ingest over the memory adapters (or the publishers/results you pass), for route tests. */
export function testIngest(
  opts: {
    config?: Partial<ConfigInput>;
    publishers?: Map<string, Publisher>;
    results?: ResultStore;
    readiness?: IngestDeps['readiness'];
  } = {},
) {
  const config = defineConfig({ tasks: testTasks, ...opts.config });
  const broker = new MemoryBroker({ maxLength: { full: 0 } });
  const results = opts.results ?? new MemoryResultStore();
  const publishers = opts.publishers ?? new Map<string, Publisher>([[config.region, broker]]);
  const producer = createProducer({ config, publishers, results });
  const app = createIngestApp({ config, producer, results, readiness: opts.readiness });
  return { app, broker, results, config, producer };
}
