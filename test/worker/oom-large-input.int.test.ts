import { createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, type ExecutionEvent } from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun } from '../ingest/support';
import { startPrivateRedis } from '../support/private-redis';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A job's record write refused OOM: a private redis-server at its maxmemory (noeviction, the policy
 * warren asks for), real RabbitMQ :5672, a long-running worker. `scene` enqueues (the enqueue's
 * record write may be refused: the broker confirmed, so the job is accepted) and starts the worker.
 */
async function withFullRedis(
  name: string,
  maxmemory: string,
  scene: (s: {
    enqueue: (pad: string) => Promise<string>;
    start: () => Promise<void>;
    admin: Redis;
    results: ReturnType<typeof createRedisResultStore>;
    runs: () => number;
    handedBack: () => number;
    events: ExecutionEvent[];
  }) => Promise<void>,
): Promise<number> {
  const run = `${name}${Date.now() % 100_000}`;
  const queue = `${run}-work`;
  const redis = await startPrivateRedis(`OOM ${name}`, {
    args: ['--maxmemory', maxmemory, '--maxmemory-policy', 'noeviction'],
  });
  let runs = 0;
  let handedBack = 0;
  const task = defineTask({
    name: `${name}.size`,
    queue,
    input: z.object({ pad: z.string() }),
    handler: ({ pad }) => {
      runs++;
      return { length: pad.length };
    },
  });
  const config = defineConfig({ queues: { [queue]: { type: 'classic' } }, tasks: [task] });
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
  const results = createRedisResultStore({ redis: redis.url, prefix: `${run}:` });
  const admin = new Redis(redis.url);
  const events: ExecutionEvent[] = [];
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results,
    queues: [queue],
    onEvent: (e) => events.push(e),
    onError: () => handedBack++,
  });
  try {
    await broker.connect();
    const producer = createProducer({
      config,
      publishers: new Map([['local', broker.publisher]]),
      results,
      onRecordError: () => {},
    });
    await scene({
      enqueue: async (pad) => (await producer.enqueue({ task: task.name, input: { pad } })).response.id,
      start: () => worker.start(),
      admin,
      results,
      runs: () => runs,
      handedBack: () => handedBack,
      events,
    });
    const conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createChannel();
    const dead = (await ch.checkQueue(`${queue}.dlq`)).messageCount;
    await conn.close();
    return dead;
  } finally {
    await worker.stop(2000).catch(() => {});
    await broker.close();
    await results.close();
    admin.disconnect();
    await cleanUpRun(queue, undefined, `${run}:`);
    await redis.stop();
  }
}

async function until(done: () => Promise<boolean>, tries = 100): Promise<void> {
  for (let i = 0; i < tries && !(await done()); i++) await sleep(100);
}

/**
 * Redis counts a command's arguments against maxmemory before running it: a job whose input is
 * larger than the memory left is refused OOM while small writes pass. Its enqueue's record write
 * was refused, and so was the worker's start, which creates the missing record with the input:
 * OOM being recoverable, the delivery was handed back every few seconds for good, the task never
 * run, the job never ended, nothing in the DLQ, GET answering 404 throughout.
 */
it('a job whose input Redis has no memory left for runs, its record kept without the input', async () => {
  const pad = 'p'.repeat(12 * 1024 * 1024);
  const dead = await withFullRedis('oomin', '12mb', async ({ enqueue, start, results, runs, events }) => {
    const big = await enqueue(pad);
    const small = await enqueue('x');
    await start();
    const done = async (id: string) => (await results.get(id))?.state === 'succeeded';
    await until(async () => (await done(big)) && (await done(small)));
    // Refused with it at first (batched with its write), then recorded whole.
    expect(await results.get(small)).toMatchObject({ state: 'succeeded', input: { pad: 'x' } });
    const rec = await results.get(big);
    expect(rec).toMatchObject({ state: 'succeeded', attempts: 1, result: { length: pad.length } });
    expect(rec?.input).toBeUndefined();
    expect(runs()).toBe(2);
    expect(events.filter((e) => e.type === 'succeeded' && e.job.id === big)).toHaveLength(1);
  });
  expect(dead).toBe(0);
}, 30_000);

/**
 * Redis full for every write (past its maxmemory): nothing runs, each delivery is handed back
 * after a pause (not in a hot loop) and none is dead-lettered or run without its record; once
 * memory is freed every job runs once, recorded with its input.
 */
it('with Redis full for every write, jobs wait unrun and all complete once memory frees', async () => {
  const dead = await withFullRedis(
    'oomall',
    '0',
    async ({ enqueue, start, admin, results, runs, handedBack }) => {
      const filler = Array.from({ length: 10 }, (_, i) => `filler:${i}`);
      for (const k of filler) await admin.set(k, 'f'.repeat(1024 * 1024));
      await sleep(500); // the fill's own buffers freed: what is left is the data
      const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
      await admin.config('SET', 'maxmemory', String(used - 2 * 1024 * 1024));
      await expect(admin.set('probe', 'y')).rejects.toThrow(/OOM/);
      const ids = [await enqueue('a'), await enqueue('b'), await enqueue('c')];
      await start();
      await sleep(3000);
      expect(runs()).toBe(0);
      expect(handedBack()).toBeGreaterThan(0);
      expect(handedBack()).toBeLessThan(40); // paused between hand-backs: a hot loop makes thousands
      expect(await Promise.all(ids.map((id) => results.get(id)))).toEqual([undefined, undefined, undefined]);
      await admin.del(...filler);
      const states = () => Promise.all(ids.map(async (id) => (await results.get(id))?.state));
      await until(async () => (await states()).every((s) => s === 'succeeded'));
      const recs = await Promise.all(ids.map((id) => results.get(id)));
      expect(recs.map((r) => [r?.state, r?.attempts, r?.input])).toEqual([
        ['succeeded', 1, { pad: 'a' }],
        ['succeeded', 1, { pad: 'b' }],
        ['succeeded', 1, { pad: 'c' }],
      ]);
      expect(runs()).toBe(3);
    },
  );
  expect(dead).toBe(0);
}, 30_000);
