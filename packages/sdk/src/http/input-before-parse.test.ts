import { createProducer, defineConfig, defineTask, MemoryBroker, MemoryResultStore } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createDirectClient } from '../direct/direct-client';
import { createClient } from './client';

/**
 * A task's input is typed as its schema takes it (z.input), not as the handler gets it (z.output):
 * a field with a default or `.optional()` may be left out, a transformed one is sent as it is
 * written (a date string, not a Date). Typed by the output, a caller would have to send fields the
 * ingest fills in, and could not send the string the schema parses.
 */
const remind = defineTask({
  name: 'remind',
  input: z.object({
    to: z.email(),
    at: z.iso.datetime().transform((s) => new Date(s)),
    tries: z.number().default(1),
    note: z.string().optional(),
  }),
  handler: ({ at }) => at.getTime(),
});
const config = defineConfig({ queues: { default: {} }, tasks: [remind] });

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

describe.each(['http', 'direct'] as const)("a task's input type (%s client)", (kind) => {
  it('is what its schema takes: defaults and optional fields left out, a transformed field as sent', async () => {
    const client = clients()[kind];
    type Sent = Parameters<typeof client.enqueue<typeof remind>>[1];
    expectTypeOf<Sent>().toEqualTypeOf<z.input<typeof remind.input>>();
    const job = await client.enqueue(remind, { to: 'a@b.co', at: '2030-01-01T00:00:00Z' });
    const many = await client.enqueueMany([
      { task: remind, input: { to: 'c@d.co', at: '2030-01-01T00:00:00Z' } },
    ]);
    expect([job.state, many[0]!.status]).toEqual(['queued', 202]);
  });
});
