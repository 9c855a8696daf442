import { randomInt } from 'node:crypto';
import { defineConfig, defineTask, type ExecutionEvent, type JobRecord } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CoreStack, sleep, startCoreStack } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A job whose expiresAt passes while it waits behind a backlog, on real RabbitMQ (:5672) and
 * Redis (:6379): the worker that finally takes it records it expired without running it, and the
 * record says it never started (Celery's expired task has no date_started either).
 */
const RUN = `eu${FILE_ID}`;
const QUEUE = `${RUN}-work`;
const ran: string[] = [];
let release: () => void = () => {};
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [
    defineTask({
      name: 'eu.block',
      queue: QUEUE,
      input: z.object({}),
      handler: () => new Promise<void>((r) => (release = r)),
    }),
    defineTask({
      name: 'eu.job',
      queue: QUEUE,
      input: z.object({}),
      handler: (_i, ctx) => void ran.push(ctx.jobId),
    }),
  ],
});

describe('a job that expires in a backlog', () => {
  let stack: CoreStack;
  const events: ExecutionEvent[] = [];

  beforeAll(async () => {
    stack = await startCoreStack(config, { run: RUN, queue: QUEUE, concurrency: 1, events });
  }, 60_000);

  afterAll(async () => {
    release();
    await stack?.close();
  });

  it('is recorded expired, never run, and its record has no start', async () => {
    const { producer, results } = stack;
    // The one slot is taken, so the next job waits in the queue past its expiresAt.
    const block = await producer.enqueue({ task: 'eu.block', input: {} });
    while ((await results.get(block.response.id))?.state !== 'running') await sleep(20);
    const job = await producer.enqueue({ task: 'eu.job', input: {}, expiresInMs: 100 });
    const expiresAt = Date.parse((await results.get(job.response.id))!.expiresAt!);
    while (Date.now() <= expiresAt) await sleep(20);
    release();

    let rec: JobRecord | undefined;
    for (let i = 0; i < 200 && rec?.state !== 'expired'; i++) {
      await sleep(25);
      rec = await results.get(job.response.id);
    }
    expect(rec?.state).toBe('expired');
    expect(ran).toEqual([]);
    expect(rec?.attempts).toBe(0);
    // It was stamped with the moment the worker found it expired, as if it had started then.
    expect(rec?.startedAt).toBeUndefined();
    expect(events.filter((e) => e.job.id === job.response.id).map((e) => e.type)).toEqual(['expired']);
  });
});
