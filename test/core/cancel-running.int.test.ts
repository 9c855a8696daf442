import { randomInt } from 'node:crypto';
import type { AmqpBroker } from '@warren/amqp';
import {
  createProducer,
  defineConfig,
  defineTask,
  type ExecutionEvent,
  type ResultStore,
} from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CoreStack, sleep, startCoreStack } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * `ctx.signal` is documented as aborted on timeout, cancellation or shutdown. On real RabbitMQ
 * (:5672) and Redis (:6379): a running job cancelled the way `DELETE /v1/jobs/:id` does it (the
 * record moved to `cancelled`) sees its signal abort, long before its timeout.
 */
const RUN = `cr${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const aborted = new Map<string, { at: number; reason: unknown }>();
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [
    defineTask({
      name: 'cr.wait',
      queue: QUEUE,
      input: z.object({}),
      timeoutMs: 25_000,
      handler: (_input, ctx) =>
        new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => {
            aborted.set(ctx.jobId, { at: Date.now(), reason: ctx.signal.reason });
            reject(ctx.signal.reason);
          }),
        ),
    }),
  ],
});

describe('cancelling a running job', () => {
  let broker: AmqpBroker;
  let results: ResultStore;
  const events: ExecutionEvent[] = [];

  let stack: CoreStack | undefined;
  beforeAll(async () => {
    stack = await startCoreStack(config, { run: RUN, queue: QUEUE, concurrency: 2, events });
    ({ broker, results } = stack);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('aborts the task signal with a JobCancelledError; the record stays cancelled', async () => {
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    const { response } = await producer.enqueue({ task: 'cr.wait', input: {} });
    const id = response.id;
    for (let i = 0; i < 100 && !events.some((e) => e.job.id === id && e.type === 'started'); i++)
      await sleep(100);
    expect((await results.transition(id, 'cancelled', {})).ok).toBe(true);
    const cancelledAt = Date.now();
    for (let i = 0; i < 100 && !aborted.has(id); i++) await sleep(100);
    const seen = aborted.get(id);
    expect(seen?.at ?? Number.POSITIVE_INFINITY).toBeLessThan(cancelledAt + 8000);
    expect((seen?.reason as Error | undefined)?.name).toBe('JobCancelledError');
    for (let i = 0; i < 50 && !events.some((e) => e.job.id === id && e.type === 'skipped'); i++)
      await sleep(100);
    expect(events.filter((e) => e.job.id === id).map((e) => e.type)).toEqual(['started', 'skipped']);
    expect(await results.get(id)).toMatchObject({ state: 'cancelled' });
  }, 30_000);
});
