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
 * A second copy of a job (the same id published twice: an enqueue retried after a lost confirm)
 * that arrives while the first runs is deferred until the run's lease would lapse (timeout +
 * the worker's lease margin). On real RabbitMQ (:5672) and Redis (:6379): when it comes back the job must still be
 * known as finished, even with a resultTtlS shorter than that wait, or it runs a second time.
 */
const RUN = `dc${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const runs: number[] = [];
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  // The copy waits out the run's lease, its timeout plus this margin (the default 30 s made it 33 s).
  worker: { leaseMarginMs: 5000 },
  tasks: [
    defineTask({
      name: 'dc.once',
      queue: QUEUE,
      input: z.object({}),
      resultTtlS: 1,
      timeoutMs: 2000,
      handler: async () => {
        runs.push(Date.now());
        await new Promise((r) => setTimeout(r, 1000));
        return 'done';
      },
    }),
  ],
});

describe('a deferred duplicate of a finished job', () => {
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

  it('is skipped when it comes back, not run again', async () => {
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    const { response } = await producer.enqueue({ task: 'dc.once', input: {} });
    const id = response.id;
    for (let i = 0; i < 50 && !events.some((e) => e.job.id === id && e.type === 'started'); i++)
      await sleep(100);
    const job = events.find((e) => e.job.id === id)!.job;
    await broker.publisher.publish(QUEUE, job); // the same id again, while the first copy runs
    for (let i = 0; i < 50 && !events.some((e) => e.job.id === id && e.type === 'deferred'); i++)
      await sleep(100);
    expect(events.some((e) => e.job.id === id && e.type === 'deferred')).toBe(true);
    // The deferral waits out the lease (2 s timeout + 5 s), then the copy comes back, past the
    // record's resultTtlS (1 s): the record must still be there to say the job finished.
    for (let i = 0; i < 450 && !events.some((e) => e.job.id === id && e.type === 'skipped'); i++) {
      if (runs.length > 1) break;
      await sleep(100);
    }
    expect(runs).toHaveLength(1);
    expect(events.filter((e) => e.job.id === id).map((e) => e.type)).toContain('skipped');
  }, 70_000);
});
