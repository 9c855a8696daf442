import { randomInt } from 'node:crypto';
import { defineConfig, defineTask, expireOverdue, uuidv7 } from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { REDIS_URL } from '../ingest/support';
import { deleteKeys } from './delete-keys';

// Names this file's keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);
const PREFIX = `eos${FILE_ID}:`;

const config = defineConfig({
  queues: { q: {} },
  tasks: [defineTask({ name: 't', queue: 'q', input: z.unknown() })],
});
const results = createRedisResultStore({ redis: REDIS_URL, prefix: PREFIX });

afterAll(async () => {
  await results.close();
  await deleteKeys(REDIS_URL, PREFIX);
});

/**
 * A reader (GET /v1/jobs/:id, the direct client, a long-poll) records a job still waiting past its
 * expiresAt as expired, on real Redis (:6379). A worker that started the job between that read
 * and the write (its check came just before the deadline, or its clock is a little behind) wins:
 * the record stays running and the run's result is kept. The write used to end the run under it.
 */
it('a job started between the read and the expiry stays running, and its result is kept', async () => {
  const id = uuidv7();
  await results.create(id, 'queued', {
    task: 't',
    queue: 'q',
    expiresAt: new Date(Date.now() - 1).toISOString(),
  });
  const read = (await results.get(id))!;
  await results.transition(id, 'running', { owner: 'w', attempts: 1, leaseMs: 60_000 });
  expect((await expireOverdue(results, read, config)).state).toBe('running');
  expect((await results.transition(id, 'succeeded', { owner: 'w', result: 7 })).ok).toBe(true);
  expect(await results.get(id)).toMatchObject({ state: 'succeeded', result: 7 });
  // Still waiting: recorded expired by the reader, as before.
  const waiting = uuidv7();
  await results.create(waiting, 'scheduled', {
    task: 't',
    queue: 'q',
    expiresAt: new Date(Date.now() - 1).toISOString(),
  });
  expect((await expireOverdue(results, (await results.get(waiting))!, config)).state).toBe('expired');
});
