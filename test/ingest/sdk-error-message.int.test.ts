import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { createClient } from '@warren/sdk';
import { createDirectClient } from '@warren/sdk/direct';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * An SDK error's message names the fields the ingest named (a log line of `err.message` says
 * what to fix), for the HTTP client against the Node ingest and the direct client alike, over
 * real RabbitMQ (:5672) and Redis (:6379).
 */
const RUN = `se${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'sdk-error-message-key-01234567';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [
    defineTask({
      name: 'se.add',
      queue: QUEUE,
      input: z.object({ a: z.number(), b: z.number() }),
      handler: ({ a, b }) => a + b,
    }),
  ],
});

describe('SDK error messages (real RabbitMQ + Redis)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
  }, 60_000);
  afterAll(async () => ingest?.close());

  it('name each failing field with its message, on both clients', async () => {
    const http = createClient({ url: ingest.url, apiKey: KEY });
    const direct = createDirectClient({ config, publishers: ingest.publishers, results: ingest.results });
    for (const client of [http, direct]) {
      const bad = (await client.enqueue('se.add', { a: 'x' }).catch((e: unknown) => e)) as Error;
      expect(bad.message).toMatch(
        /^input does not match the schema of task se\.add \(input\.a: .+; input\.b: .+\)$/,
      );
      const unknown = (await client
        .enqueue('se.add', { a: 1, b: 2 }, { delayMs: -1 })
        .catch((e: unknown) => e)) as Error;
      expect(unknown.message).toMatch(/^invalid enqueue request \(delayMs: .+\)$/);
    }
  });
});
