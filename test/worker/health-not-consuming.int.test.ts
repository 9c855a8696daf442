import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';

// A worker whose queue was deleted and declared again by someone else with other arguments can
// never consume it again (each restart's declare is refused 406), yet its /healthz said ok: an
// orchestrator or an alert on it never learnt that the worker took nothing. The health now names
// each queue with no consumer on the broker past a threshold (a minute by default).
it('health is not ok while a queue has had no consumer past the threshold, and ok again once it has', async () => {
  const run = `health-idle-${uuidv7().slice(-8)}`;
  const q = `${run}.q`;
  const config = defineConfig({
    tasks: [defineTask({ name: 'idle.t', queue: q, input: z.unknown(), handler: () => 'ok' })],
    queues: { [q]: { type: 'classic' } },
  });
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  const redis = new Redis(REDIS_URL);
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results: createRedisResultStore({ redis, prefix: `${run}:` }),
  });
  const admin = await amqp.connect(AMQP_URL);
  const ch = await admin.createChannel();
  try {
    await worker.start();
    expect(worker.health(500)).toMatchObject({ ok: true });
    expect(worker.health(500)).not.toHaveProperty('notConsuming');

    // Declared again without warren's dead-letter arguments: every restart is refused.
    await ch.deleteQueue(q);
    await ch.assertQueue(q, { durable: true });
    const down = await eventually(() => {
      const h = worker.health(1500);
      return h.ok ? undefined : h;
    }, 10_000);
    expect(down.notConsuming).toEqual([{ queue: q, forS: expect.any(Number) }]);
    // Under the threshold (a restart's gap) it still reads ok.
    expect(worker.health(60_000).ok).toBe(true);

    // Fixed by hand (the stray queue deleted): the next restart declares it as warren does,
    // consumes, and health recovers.
    await ch.deleteQueue(q);
    await eventually(() => worker.health(1500).ok, 40_000);
  } finally {
    await worker.stop(1000);
    await broker.close();
    await admin.close();
    await cleanUpRun(q, redis, `${run}:`);
  }
}, 60_000);
