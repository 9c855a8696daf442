import { createProducer, defineConfig, defineTask, MemoryBroker, MemoryResultStore } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDirectClient } from '../direct/direct-client';
import { createClient } from './client';

/**
 * An enqueueMany item's input is typed by its own task (BatchItems), and what the types refuse the
 * ingest refuses: an item of a task whose schema needs an input, sent without one, is its 422.
 * Both clients: the HTTP one through the real ingest app, the direct one through core's producer
 * (in-memory broker and store).
 */
const sendEmail = defineTask({ name: 'email.send', input: z.object({ to: z.email(), subject: z.string() }) });
const tick = defineTask({ name: 'tick', input: z.undefined() });
const config = defineConfig({ queues: { default: {} }, tasks: [sendEmail, tick] });

let broker: MemoryBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

function clients() {
  broker = new MemoryBroker();
  const results = new MemoryResultStore();
  const publishers = new Map([[config.region, broker]]);
  const app = createIngestApp({ config, producer: createProducer({ config, publishers, results }), results });
  return {
    http: createClient({ url: 'http://ingest', fetch: (url, init) => app.request(url, init) }),
    direct: createDirectClient({ config, publishers, results }),
  };
}

describe.each(['http', 'direct'] as const)('enqueueMany item input types (%s client)', (kind) => {
  it('an item of a task that needs an input does not compile without one, and is a 422', async () => {
    const client = clients()[kind];
    const many = [{ task: sendEmail }];
    const out = [
      // @ts-expect-error email.send's schema needs { to, subject }
      ...(await client.enqueueMany([{ task: sendEmail }])),
      // @ts-expect-error the same, said explicitly
      ...(await client.enqueueMany([{ task: sendEmail, input: undefined }])),
      // @ts-expect-error the same, from a variable
      ...(await client.enqueueMany(many)),
    ];
    expect(out.map((r) => r.status)).toEqual([422, 422, 422]);
  });

  it('an item of a task that takes no input, or of a plain name, may leave it out', async () => {
    const client = clients()[kind];
    const out = await client.enqueueMany([
      { task: tick },
      { task: 'tick' },
      { task: sendEmail, input: { to: 'a@b.co', subject: 's' } },
    ]);
    expect(out.map((r) => r.status)).toEqual([202, 202, 202]);
  });
});
