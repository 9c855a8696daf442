import { randomInt } from 'node:crypto';
import type { AmqpBroker } from '@warren/amqp';
import {
  createProducer,
  defineConfig,
  defineTask,
  type ExecutionEvent,
  type ResultStore,
  RetryAfterError,
} from '@warren/core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cleanUpRun } from '../ingest/support';
import { type CoreStack, sleep, startCoreStack } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A task's `resultTtlS` says how long its result lives after the job finishes. On real RabbitMQ
 * (:5672) and Redis (:6379): a record must not expire while the job is still on its way, i.e.
 * while it waits for its delay or its retry, or while it runs.
 */
const RUN = `rt${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const TTL_S = 1;
const tasks = [
  defineTask({
    name: 'rt.slow',
    queue: QUEUE,
    input: z.object({ ms: z.number() }),
    resultTtlS: TTL_S,
    timeoutMs: 20_000,
    handler: async ({ ms }) => {
      await new Promise((r) => setTimeout(r, ms));
      return 'done';
    },
  }),
  defineTask({
    name: 'rt.later',
    queue: QUEUE,
    input: z.object({ retryMs: z.number() }),
    resultTtlS: TTL_S,
    handler: ({ retryMs }, ctx) => {
      if (ctx.attempt === 1) throw new RetryAfterError('not yet', retryMs);
      return ctx.attempt;
    },
  }),
];
const config = defineConfig({ queues: { [QUEUE]: { type: 'classic' } }, tasks });

// Concurrent: most of each test is a wait (a delay, a retry, a TTL); each has its own jobs and keys.
describe.concurrent('job records outlive the wait for their job (short resultTtlS)', () => {
  let broker: AmqpBroker;
  let redis: Redis;
  let results: ResultStore;
  const events: ExecutionEvent[] = [];
  let producer: ReturnType<typeof createProducer>;

  let stack: CoreStack | undefined;
  beforeAll(async () => {
    stack = await startCoreStack(config, { run: RUN, queue: QUEUE, concurrency: 4, events });
    ({ broker, redis, results, producer } = stack);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  const finished = (id: string) => stack!.finished(id);

  it('a job running longer than its resultTtlS still gets its result recorded', async () => {
    const { response } = await producer.enqueue({ task: 'rt.slow', input: { ms: 3000 } });
    expect(await finished(response.id)).toMatchObject({ state: 'succeeded', result: 'done' });
  }, 30_000);

  it('a scheduled job keeps its record and its idempotency key until it runs', async () => {
    const req = { task: 'rt.slow', input: { ms: 0 }, delayMs: 4000, idempotencyKey: `${RUN}-k` };
    const first = await producer.enqueue(req);
    await sleep(2500);
    expect(await results.get(first.response.id)).toMatchObject({ state: 'scheduled' });
    const again = await producer.enqueue(req);
    expect(again).toMatchObject({ replayed: true, response: { id: first.response.id } });
    expect(await finished(first.response.id)).toMatchObject({ state: 'succeeded' });
  }, 30_000);

  it('a job waiting in a backlog keeps its record and its key while it waits (no duplicate enqueue)', async () => {
    const backlog = `${RUN}-backlog`;
    const cfg = defineConfig({
      queues: { [backlog]: { type: 'classic' } },
      tasks: [defineTask({ name: 'rt.queued', queue: backlog, input: z.object({}), resultTtlS: TTL_S })],
    });
    const p = createProducer({ config: cfg, publishers: new Map([['local', broker.publisher]]), results });
    try {
      const req = { task: 'rt.queued', input: {}, idempotencyKey: `${RUN}-q` };
      const first = await p.enqueue(req);
      await sleep(2500); // no worker consumes the queue: the job waits
      expect(await results.get(first.response.id)).toMatchObject({ state: 'queued' });
      expect(await p.enqueue(req)).toMatchObject({ replayed: true, response: { id: first.response.id } });
    } finally {
      await cleanUpRun(backlog, undefined, '');
    }
  }, 30_000);

  it('a key whose finished job record has expired takes a new job (not a 409 while the key lives on)', async () => {
    const req = { task: 'rt.slow', input: { ms: 0 }, idempotencyKey: `${RUN}-done` };
    const first = await producer.enqueue(req);
    expect(await finished(first.response.id)).toMatchObject({ state: 'succeeded' });
    // Replayed while the finished record lives (resultTtlS, at least a lease + 60 s after a run)...
    expect(await producer.enqueue(req)).toMatchObject({
      replayed: true,
      response: { id: first.response.id },
    });
    // ...and the key ends with it: its TTL was cut to the finished record's (a key left without
    // its record would be a 409 until it expired, up to a day)...
    const [jobKey, idemKey] = [`${RUN}:job:${first.response.id}`, `${RUN}:idem:${RUN}-done`];
    const [recordTtl, keyTtl] = [await redis.ttl(jobKey), await redis.ttl(idemKey)];
    expect(recordTtl).toBeLessThan(TTL_S + 120); // the finished record's (a lease + 60 s), not a day
    expect(keyTtl).toBeGreaterThan(0);
    expect(keyTtl).toBeLessThanOrEqual(recordTtl);
    // ...so once both have expired (deleted here rather than waited for), the key takes a new job.
    await redis.del(jobKey, idemKey);
    const again = await producer.enqueue(req);
    expect(again.replayed).toBe(false);
    expect(again.response.id).not.toBe(first.response.id);
  }, 30_000);

  it('a job waiting for its retry keeps its record', async () => {
    const { response } = await producer.enqueue({ task: 'rt.later', input: { retryMs: 4000 } });
    for (let i = 0; i < 50 && !events.some((e) => e.job.id === response.id && e.type === 'retried'); i++)
      await sleep(100);
    await sleep(2500);
    expect(await results.get(response.id)).toMatchObject({
      state: 'retrying',
      error: { message: 'not yet' },
    });
    expect(await finished(response.id)).toMatchObject({ state: 'succeeded', result: 2 });
  }, 30_000);
});
