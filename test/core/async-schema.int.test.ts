import { randomInt } from 'node:crypto';
import type { AmqpBroker } from '@warren/amqp';
import {
  type createProducer,
  defineConfig,
  defineTask,
  type ExecutionEvent,
  UnprocessableError,
} from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CoreStack, sleep, startCoreStack } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * Task schemas zod can only run with parseAsync (an async refinement or transform), and ones whose
 * refinement throws, on real RabbitMQ (:5672) and Redis (:6379): an enqueue is validated (202 or
 * 422, not a 500), and a worker records the outcome instead of rejecting, which released the
 * delivery to be run again, forever.
 */
const RUN = `as${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [
    defineTask({
      name: 'as.async',
      queue: QUEUE,
      input: z.object({ n: z.number().refine(async (n) => n > 0, 'must be positive') }),
      output: z.number().transform(async (n) => n * 10),
      handler: ({ n }) => n + 1,
    }),
    defineTask({
      name: 'as.throws',
      queue: QUEUE,
      input: z.object({
        n: z.number().refine((n) => {
          if (n === 13) throw new Error('unlucky');
          return true;
        }),
      }),
      handler: ({ n }) => n,
    }),
  ],
});

describe('async and throwing task schemas', () => {
  let broker: AmqpBroker;
  let producer: ReturnType<typeof createProducer>;
  const events: ExecutionEvent[] = [];

  let stack: CoreStack | undefined;
  beforeAll(async () => {
    stack = await startCoreStack(config, { run: RUN, queue: QUEUE, events });
    ({ broker, producer } = stack);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  const finished = (id: string) => stack!.finished(id);

  it('the producer validates an async schema: accepted when valid, 422 when not', async () => {
    const { response } = await producer.enqueue({ task: 'as.async', input: { n: 1 } });
    expect(await finished(response.id)).toMatchObject({ state: 'succeeded', result: 20 });
    const bad = await producer.enqueue({ task: 'as.async', input: { n: -1 } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(UnprocessableError);
    expect((bad as UnprocessableError).errors).toEqual([{ path: 'input.n', message: 'must be positive' }]);
  }, 30_000);

  it('a worker fails invalid input of an async schema and a throwing refinement once, into the DLQ', async () => {
    const jobs = [
      makeJob({ task: 'as.async', queue: QUEUE, input: { n: -1 } }),
      makeJob({ task: 'as.throws', queue: QUEUE, input: { n: 13 } }),
    ];
    for (const job of jobs) await broker.publisher.publish(QUEUE, job);
    const recs = await Promise.all(jobs.map((j) => finished(j.id)));
    expect(recs[0]).toMatchObject({
      state: 'failed',
      error: { type: 'InvalidInput', message: 'n: must be positive' },
    });
    expect(recs[1]).toMatchObject({ state: 'failed', error: { type: 'InvalidInput' } });
    expect(recs[1]?.error?.message).toMatch(/unlucky/);
    const typesOf = (id: string) => events.filter((e) => e.job.id === id).map((e) => e.type);
    await sleep(1000); // the DLQ copy is confirmed after the record is written; any rerun would show
    for (const job of jobs) expect(typesOf(job.id)).toEqual(['failed']);
  }, 30_000);
});
