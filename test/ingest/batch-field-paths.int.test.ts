import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A batch item's problem names its fields under the item, `jobs.<index>.<field>`, whatever
 * refused it: the request schema (400) or the task, queue and idempotency checks (422). On the
 * Node ingest over real RabbitMQ (:5672) and Redis (:6379).
 */
const RUN = `bf${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'batch-field-paths-0123456789ab';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [
    defineTask({ name: 'bf.mail', queue: QUEUE, input: z.object({ to: z.email() }), handler: () => 1 }),
  ],
});

type Item = { status: number; problem?: { errors?: { path: string }[] } };

describe('batch item field paths on real RabbitMQ + Redis (Node adapter)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
  }, 60_000);
  afterAll(async () => ingest?.close());

  it('400 and 422 items both name jobs.<index>.<field>', async () => {
    const key = `${RUN}-k`;
    const res = await fetch(`${ingest.url}/v1/jobs/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({
        jobs: [
          { task: 'bf.mail', input: { to: 'a@b.co' }, idempotencyKey: key },
          { task: 'bf.mail', input: { to: 'a@b.co' }, delayMs: -1 },
          { task: 'bf.nope' },
          { task: 'bf.mail', input: { to: 'not-an-email' } },
          { task: 'bf.mail', input: { to: 'a@b.co' }, queue: 'elsewhere' },
          { task: 'bf.mail', input: { to: 'c@d.co' }, idempotencyKey: key },
        ],
      }),
    });
    expect(res.status).toBe(207);
    const { results } = (await res.json()) as { results: Item[] };
    expect(results.map((r) => r.status)).toEqual([202, 400, 422, 422, 422, 422]);
    expect(results.map((r) => r.problem?.errors?.map((e) => e.path))).toEqual([
      undefined,
      ['jobs.1.delayMs'],
      ['jobs.2.task'],
      ['jobs.3.input.to'],
      ['jobs.4.queue'],
      ['jobs.5.idempotencyKey'],
    ]);
  });

  it('a body refused as a whole says what is wrong with it, not always the job count', async () => {
    const send = async (body: unknown) => {
      const res = await fetch(`${ingest.url}/v1/jobs/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      return (await res.json()) as { detail: string; errors: { path: string }[] };
    };
    const job = { task: 'bf.mail', input: { to: 'a@b.co' } };
    expect(await send({ jobs: [] })).toMatchObject({
      detail: 'a batch holds 1 to 1000 jobs',
      errors: [{ path: 'jobs' }],
    });
    expect(await send({ jobs: [job], extra: 1 })).toMatchObject({
      detail: 'a batch is {"jobs": [1 to 1000 jobs]} and nothing else',
      errors: [{ path: 'extra' }],
    });
    expect(await send([job])).toMatchObject({
      detail: 'a batch is {"jobs": [1 to 1000 jobs]} and nothing else',
      errors: [{ path: '(body)' }],
    });
  });
});
