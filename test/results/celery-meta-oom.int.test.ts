import { createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createRedisResultStore, withCeleryResults } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun } from '../ingest/support';
import { startPrivateRedis } from '../support/private-redis';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A Celery job's result larger than the memory its Redis has left (maxmemory, noeviction). The
 * record's `succeeded` write goes through (the transition script's first write is an HDEL, and a
 * script that has written is not stopped for memory), then the Celery meta's SETEX, carrying the
 * result again, is refused OOM, recoverable: the run's end retried it, the delivery was handed back,
 * and every copy's start met the finished record, repaired the meta and was refused again: the
 * message went round its queue for good, never acked nor dead-lettered, and Celery's AsyncResult
 * read PENDING throughout (once the record expired, the next copy would run the task again).
 * Real RabbitMQ :5672, a private redis-server, a long-running worker whose store writes Celery
 * metas for the queue (withCeleryResults).
 */
it("a Celery result too large for Redis's memory left ends with a FAILURE meta saying so, acked", async () => {
  const run = `oomcel${Date.now() % 100_000}`;
  const queue = `${run}-work`;
  const redis = await startPrivateRedis('OOM celery meta', {
    args: ['--maxmemory', '24mb', '--maxmemory-policy', 'noeviction'],
  });
  let runs = 0;
  const size = 8 * 1024 * 1024;
  const task = defineTask({
    name: 'oomcel.big',
    queue,
    input: z.object({}),
    handler: () => {
      runs++;
      return 'r'.repeat(size);
    },
  });
  const config = defineConfig({ queues: { [queue]: { type: 'classic' } }, tasks: [task] });
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
  const store = createRedisResultStore({ redis: redis.url, prefix: `${run}:` });
  const admin = new Redis(redis.url);
  const results = withCeleryResults(store, { redis: admin, isCeleryQueue: (q) => q === queue });
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results,
    queues: [queue],
    onError: () => {},
  });
  try {
    await broker.connect();
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    await worker.start();
    const id = (await producer.enqueue({ task: task.name, input: {} })).response.id;
    const meta = async () => JSON.parse((await admin.get(`celery-task-meta-${id}`)) ?? 'null');
    for (let i = 0; i < 150 && !(await meta()); i++) await sleep(100);
    expect(await meta()).toMatchObject({
      status: 'FAILURE',
      task_id: id,
      result: { exc_type: 'ResultNotStored', exc_message: [expect.stringMatching(/OOM/)] },
    });
    const rec = await store.get(id);
    expect(rec?.state).toBe('succeeded');
    expect((rec?.result as string | undefined)?.length).toBe(size);
    expect(runs).toBe(1);
    const conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createChannel();
    await worker.stop(2000);
    expect((await ch.checkQueue(queue)).messageCount).toBe(0); // acked, not going round
    expect((await ch.checkQueue(`${queue}.dlq`)).messageCount).toBe(0);
    await conn.close();
  } finally {
    await worker.stop(2000).catch(() => {});
    await broker.close();
    await store.close();
    admin.disconnect();
    await cleanUpRun(queue, undefined, `${run}:`);
    await redis.stop();
  }
}, 30_000);
