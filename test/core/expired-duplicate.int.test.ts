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
 * A job that started before its `expiresAt` runs to its end, on real RabbitMQ (:5672) and Redis
 * (:6379), even when a second copy of it (the same id published twice: an enqueue retried after a
 * lost confirm) is delivered after the expiry while the first copy still runs.
 */
const RUN = `ed${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
let release: () => void = () => {};
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [
    defineTask({
      name: 'ed.slow',
      queue: QUEUE,
      input: z.object({}),
      handler: () => new Promise<string>((r) => (release = () => r('done'))),
    }),
  ],
});

describe('an expired duplicate of a running job', () => {
  let broker: AmqpBroker;
  let results: ResultStore;
  const events: ExecutionEvent[] = [];

  let stack: CoreStack | undefined;
  beforeAll(async () => {
    stack = await startCoreStack(config, { run: RUN, queue: QUEUE, concurrency: 2, events });
    ({ broker, results } = stack);
  }, 60_000);

  afterAll(async () => {
    release();
    await stack?.close();
  });

  const until = async (ok: () => boolean) => {
    for (let i = 0; i < 100 && !ok(); i++) await sleep(100);
  };

  it('does not mark the running job expired; the run that started in time records its result', async () => {
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    const { response } = await producer.enqueue({ task: 'ed.slow', input: {}, expiresInMs: 1000 });
    const id = response.id;
    await until(() => events.some((e) => e.job.id === id && e.type === 'started'));
    expect(events.some((e) => e.job.id === id && e.type === 'started')).toBe(true);
    await sleep(1200); // past expiresAt, the first copy still running
    const job = events.find((e) => e.job.id === id)!.job;
    await broker.publisher.publish(QUEUE, job); // the same id again
    await until(() => events.filter((e) => e.job.id === id).length > 1);
    await sleep(300);
    release();
    await until(() =>
      events.some(
        (e) =>
          e.job.id === id &&
          ['succeeded', 'skipped'].includes(e.type) &&
          e.attempt === 1 &&
          e.durationMs !== undefined,
      ),
    );
    const rec = await results.get(id);
    expect(rec).toMatchObject({ state: 'succeeded', result: 'done' });
  }, 30_000);
});
