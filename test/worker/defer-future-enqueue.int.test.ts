import { createAmqpBroker } from '@warren/amqp';
import { DeferError, defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';

const RUN = `h61-dfe-${uuidv7().slice(-8)}`;
const q = `${RUN}.q`;
const redis = new Redis(REDIS_URL);

afterAll(() => cleanUpRun(q, redis, `${RUN}:`));

// A DeferError spends no attempt while the job is younger than the defer window (24 h), so a task
// that always defers ends after maxAttempts once the job is older. The age is read from the
// envelope's enqueuedAt: one in the future (a foreign producer's clock, a typo: year 9999) made
// every deferral free, for ever: the job went round the delay tiers without end, never failed.
it('a job whose enqueuedAt is far in the future cannot defer for ever', async () => {
  let runs = 0;
  const task = defineTask({
    name: 'dfe.t',
    queue: q,
    input: z.unknown(),
    retry: { maxAttempts: 2, backoff: { kind: 'fixed', baseMs: 10 } },
    handler: () => {
      runs++;
      throw new DeferError('not ready', 10);
    },
  });
  const config = defineConfig({ tasks: [task], queues: { [q]: { type: 'classic' } } });
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  const results = createRedisResultStore({ redis, prefix: `${RUN}:` });
  const worker = createWorker({ config, consumer: broker.consumer, results });
  try {
    await worker.start();
    const job = makeJob({ task: 'dfe.t', queue: q, maxAttempts: 2, enqueuedAt: '9999-01-01T00:00:00.000Z' });
    await broker.publisher.publish(q, job);
    const dead = await eventually(async () => {
      const d = await broker.peekDeadLetters(q);
      return d.length === 1 ? d : undefined;
    }, 15_000);
    expect(dead[0]!.reason).toMatch(/failed after 2 attempts: DeferError: not ready/);
    expect(await results.get(job.id)).toMatchObject({ state: 'failed', attempts: 2 });
    expect(runs).toBe(2);
  } finally {
    await worker.stop(1000);
    // A copy still in a delay tier (the failing case) comes back to the queue before it goes.
    await new Promise((r) => setTimeout(r, 2000));
    await broker.close();
  }
}, 40_000);
