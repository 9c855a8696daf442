import { createProducer, defineConfig, defineTask, MemoryBroker, MemoryResultStore } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDirectClient } from '../direct/direct-client';
import { createClient } from './client';

/**
 * A task that takes no input (schema z.undefined(), or an optional one) is enqueued as
 * `enqueue(task)` or `enqueue(task, undefined, options)`; a task that needs an input is not
 * enqueued without one (the ingest's 422). Both clients: the HTTP one through the real ingest app,
 * the direct one through core's producer (in-memory broker and store).
 */
const tick = defineTask({ name: 'tick', input: z.undefined() });
const report = defineTask({ name: 'report', input: z.object({ day: z.string() }).optional() });
const sendEmail = defineTask({ name: 'email.send', input: z.object({ to: z.email() }) });
const config = defineConfig({ queues: { default: {} }, tasks: [tick, report, sendEmail] });

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

describe.each(['http', 'direct'] as const)('a task without input (%s client)', (kind) => {
  it('is enqueued without an input argument', async () => {
    const client = clients()[kind];
    const jobs = [
      await client.enqueue(tick),
      await client.enqueue(report),
      await client.enqueue(tick, undefined, { idempotencyKey: `tick-${kind}` }),
      await client.enqueue('tick'),
    ];
    expect(jobs.map((j) => j.state)).toEqual(['queued', 'queued', 'queued', 'queued']);
  });

  it('a task that needs an input does not compile without one, and is a 422', async () => {
    const client = clients()[kind];
    // @ts-expect-error email.send's schema needs { to }
    const err = await client.enqueue(sendEmail).catch((e: { status?: number }) => e);
    expect(err).toMatchObject({ status: 422 });
  });
});
