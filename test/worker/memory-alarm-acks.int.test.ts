import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, type ExecutionEvent, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqp, { type ChannelModel } from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { queueMessages, setMemoryWatermark } from '../support/rabbit-info';
import { RabbitHarness, type RabbitNode } from '../support/rabbit-nodes';
import { untilUnhealthy } from '../support/until-unhealthy';

// A private node (never the shared :5672) is put under a memory alarm: RabbitMQ then blocks every
// connection that publishes, i.e. stops reading its socket, acks included.
const RUN = `mem-alarm-${uuidv7().slice(-8)}`;
const OK_JOBS = 40;
const harness = new RabbitHarness();
const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });
let node: RabbitNode;
const brokers: AmqpBroker[] = [];
const probes: ChannelModel[] = [];

beforeAll(async () => {
  [node] = (await harness.start([{ name: 'warren-mem-alarm', port: 27111 }])) as [RabbitNode];
}, 180_000);

afterAll(async () => {
  for (const b of brokers) await b.close().catch(() => {});
  for (const p of probes) await p.close().catch(() => {});
  await harness.stopAll();
  await results.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}, 120_000);

/**
 * A connection of the test's own that publishes once the alarm is set: RabbitMQ blocks it once the
 * alarm is in effect and unblocks it once the alarm clears (both awaited by the test).
 */
const alarmProbe = async () => {
  const conn = await amqp.connect(node.url);
  probes.push(conn);
  const state = (s: 'blocked' | 'unblocked') => new Promise<void>((r) => conn.once(s, () => r()));
  const blocked = state('blocked');
  (await conn.createChannel()).publish('', 'nowhere', Buffer.alloc(0));
  await blocked;
  return { unblocked: state('unblocked') };
};

const depth = async (q: string) => {
  const c = await amqp.connect(node.url);
  try {
    const ch = await c.createChannel();
    return { queue: await ch.checkQueue(q), dlq: await ch.checkQueue(`${q}.dlq`) };
  } finally {
    await c.close();
  }
};

/** Messages in queue `q`, ready and unacked. */
const messages = (q: string) => queueMessages(node, q);

/** The memory alarm on (a 1-byte watermark) or off (the configured 1GB). */
const memoryAlarm = (on: boolean) => setMemoryWatermark(node, `{absolute, ${on ? '1' : '"1GB"'}}`);

/**
 * A worker drains a backlog (40 jobs that succeed, their results in Redis, and one that fails its
 * first attempt, whose retry is a publish) while the node is under a memory alarm. `poke`: the
 * health check runs first and learns of the alarm by a publish; without it, the retry's own
 * publish is the first, written before the connection is known blocked.
 */
async function drainUnderAlarm(poke: boolean) {
  const Q = `${RUN}.${poke ? 'poke' : 'retry'}`;
  const broker = createAmqpBroker({
    urls: [node.url],
    queues: { [Q]: { type: 'classic' } },
    delayTiersMs: [250],
    delayTierType: 'classic',
    healthIntervalMs: 0, // the test calls checkHealth itself, as the periodic check would
    confirmTimeoutMs: 2000,
  });
  brokers.push(broker);
  await broker.connect();
  // The jobs wait here until the alarm is raised, so the backlog is drained during it.
  let openGate = () => {};
  const gate = new Promise<void>((r) => {
    openGate = r;
  });
  const okRuns = new Set<string>();
  const flakyRuns: number[] = [];
  const ok = defineTask({
    name: `alarm.ok.${Q}`,
    input: z.object({ n: z.number() }),
    queue: Q,
    handler: async ({ n }, ctx) => {
      await gate;
      okRuns.add(ctx.jobId);
      return n; // the result goes to Redis: nothing to publish
    },
  });
  const flaky = defineTask({
    name: `alarm.flaky.${Q}`,
    input: z.object({}),
    queue: Q,
    retry: { maxAttempts: 3, backoff: { kind: 'fixed', baseMs: 300, maxMs: 300, jitter: false } },
    handler: async (_input, ctx) => {
      await gate;
      flakyRuns.push(ctx.attempt);
      if (ctx.attempt === 1) throw new Error('first attempt fails');
      return 'second';
    },
  });
  const events: ExecutionEvent[] = [];
  const kinds = (id: string) => events.filter((e) => 'job' in e && e.job.id === id).map((e) => e.type);
  const worker = createWorker({
    config: defineConfig({ tasks: [ok, flaky] }),
    consumer: broker.consumer,
    results,
    queues: [Q],
    concurrency: 4,
    onEvent: (e) => events.push(e),
  });
  const jobs = Array.from({ length: OK_JOBS }, (_, n) => makeJob({ task: ok.name, queue: Q, input: { n } }));
  const retrying = makeJob({ task: flaky.name, queue: Q, input: {}, maxAttempts: 3 });
  // The flaky job sits behind the first ok jobs: its retry comes once the alarm holds.
  jobs.splice(6, 0, retrying);
  for (const j of jobs) await broker.publisher.publish(Q, j);
  await worker.start();
  await eventually(() => events.filter((e) => e.type === 'started').length >= 4, 10_000);

  await memoryAlarm(true);
  let cleared: Promise<void> | undefined;
  try {
    cleared = (await alarmProbe()).unblocked;
    // The health check notices the alarm (it publishes a poke to learn of it): node unhealthy.
    if (poke) await untilUnhealthy(broker);
    openGate();
    // Every job that needs no publish runs and is acked while the alarm holds.
    const drained = await eventually(() => okRuns.size === OK_JOBS, 20_000, 100).then(
      () => true,
      () => false,
    );
    console.log(
      `${poke ? 'poke' : 'retry'}: ok jobs completed during the alarm: ${okRuns.size} of ${OK_JOBS}`,
    );
    expect(okRuns.size).toBe(OK_JOBS);
    expect(drained).toBe(true);
    // The queue drained (the flaky job may be back in it, ready, between its runs).
    const ready = await eventually(
      async () => {
        const n = (await depth(Q)).queue.messageCount;
        return n <= 1 ? { n } : undefined;
      },
      20_000,
      200,
    ).catch(async () => ({ n: (await depth(Q)).queue.messageCount }));
    expect(ready.n, 'messages ready in the queue during the alarm').toBeLessThanOrEqual(1);
    // The retry's publish was refused (blocked): run, handed back and run again, not retried yet.
    await eventually(() => flakyRuns.length >= 2, 20_000, 100);
    console.log(`flaky job's events during the alarm: ${kinds(retrying.id)}`);
    expect(kinds(retrying.id), 'no retry confirmed during the alarm').not.toContain('retried');
    expect(flakyRuns, 'only attempt 1 ran during the alarm').toEqual(flakyRuns.map(() => 1));
    expect((await results.get(retrying.id))?.state).not.toBe('succeeded');
    expect((await depth(Q)).dlq.messageCount, 'dead-lettered during the alarm').toBe(0);
  } finally {
    await memoryAlarm(false);
  }
  await cleared;
  // Once the alarm clears, the retry goes out and its second attempt succeeds.
  await eventually(async () => (await results.get(retrying.id))?.state === 'succeeded', 30_000, 200);
  console.log(`flaky job's events: ${kinds(retrying.id)}; attempts run: ${flakyRuns}`);
  for (const j of jobs.filter((j) => j !== retrying))
    expect((await results.get(j.id))?.state).toBe('succeeded');
  // Nothing left, ready or unacked, once a copy still handed back meanwhile has come back and been
  // skipped (the retry written before the alarm was known lands after it: a duplicate, not a loss).
  await eventually(async () => (await messages(Q)) === 0, 20_000, 100);
  console.log(`flaky job's events at the end: ${kinds(retrying.id)}`);
  await worker.stop();
  expect((await depth(Q)).dlq.messageCount).toBe(0);
  return { flakyRuns, kinds: kinds(retrying.id) };
}

it('under a memory alarm noticed by the health check, the worker keeps acking and draining; a retry waits for the alarm', async () => {
  const { flakyRuns, kinds } = await drainUnderAlarm(true);
  // Refused at once while blocked: nothing was written, so the retry went out once, after the alarm.
  expect(
    flakyRuns.filter((a) => a === 2),
    'attempt 2 ran once',
  ).toHaveLength(1);
  expect(
    kinds.filter((k) => k === 'retried'),
    'one retry confirmed',
  ).toHaveLength(1);
}, 120_000);

it('a retry published before the alarm is known does not stall the others either', async () => {
  await drainUnderAlarm(false);
}, 120_000);

/** warren's connections on the node (its own names; the test's other connections have none). */
const ours = async () => {
  const info = 'rabbit_networking:connection_info_all([pid, client_properties])';
  const out = await node.erl(
    `[{pid_to_list(P), binary_to_list(N)} || [{pid, P}, {client_properties, CP}] <- ${info}, {<<"connection_name">>, longstr, N} <- CP]`,
  );
  return [...out.matchAll(/\{"(<[\d.]+>)",\s*"([^"]*)"\}/g)]
    .map(([, pid, name]) => ({ pid: pid!, name }))
    .filter((c) => c.name === 'warren' || c.name === 'warren consumers');
};

/** The connections of `ours()` not in `before` (the first test's broker is still connected). */
const oursSince = async (before: { pid: string }[]) =>
  (await ours()).filter((c) => !before.some((o) => o.pid === c.pid));

it('one connection until something consumes, then a second for the consumers; either lost drops both; close ends both', async () => {
  const q = `${RUN}.conns`;
  const b = createAmqpBroker({ urls: [node.url], queues: { [q]: { type: 'classic' } }, healthIntervalMs: 0 });
  const others = await ours();
  const mine = () => oursSince(others);
  try {
    await b.connect();
    await b.publisher.publish(q, makeJob({ queue: q }));
    // A publish-only process (the ingest) keeps one connection.
    expect((await mine()).map((c) => c.name)).toEqual(['warren']);
    const got: string[] = [];
    await b.consumer.consume(q, async (d) => {
      got.push(d.job.id);
      await d.ack();
    });
    await eventually(() => got.length === 1, 10_000);
    const before = await mine();
    expect(before.map((c) => c.name).sort()).toEqual(['warren', 'warren consumers']);
    // The consumers' connection closed by the broker: both are made again, and both work.
    const consumers = before.find((c) => c.name === 'warren consumers')!;
    await node.erl(
      `rabbit_networking:close_connection(list_to_pid("${consumers.pid}"), "test: consumers connection closed")`,
    );
    const after = await eventually(
      async () => {
        const now = await mine();
        return now.length === 2 && now.every((c) => !before.some((o) => o.pid === c.pid)) && now;
      },
      20_000,
      100,
    );
    expect(after.map((c) => c.name).sort()).toEqual(['warren', 'warren consumers']);
    const job = makeJob({ queue: q });
    await eventually(() => b.publisher.publish(q, job).then(() => true), 10_000, 200);
    await eventually(() => got.includes(job.id), 10_000);
  } finally {
    await b.close();
  }
  await eventually(async () => (await mine()).length === 0, 10_000, 100);
}, 60_000);

/**
 * A consumer whose channel the broker closes during the alarm (consumer_timeout: a job held past
 * it) subscribes again, which declares its queue again: on the blocked publishing connection that
 * declare went unanswered until the alarm cleared, so the queue went unconsumed meanwhile.
 */
it('a consumer closed by the broker during the alarm subscribes again and drains', async () => {
  const q = `${RUN}.restart`;
  await node.erl(
    'application:set_env(rabbit, consumer_timeout, 2000), application:set_env(rabbit, channel_tick_interval, 500)',
  );
  const errors: string[] = [];
  const b = createAmqpBroker({
    urls: [node.url],
    queues: { [q]: { type: 'classic' } },
    healthIntervalMs: 0,
    connectTimeoutMs: 2000,
    onEvent: (e) => {
      if (e.type === 'consumer-error') errors.push(e.error);
    },
  });
  brokers.push(b);
  await b.connect();
  const jobs = Array.from({ length: 10 }, () => makeJob({ queue: q }));
  for (const j of jobs) await b.publisher.publish(q, j);
  const acked = new Set<string>();
  let held: string | undefined;
  await b.consumer.consume(
    q,
    async (d) => {
      // The first delivery is held past consumer_timeout: the broker closes the channel.
      if (held === undefined) {
        held = d.job.id;
        return;
      }
      acked.add(d.job.id);
      await d.ack();
    },
    { prefetch: 1 },
  );
  await eventually(() => held !== undefined, 10_000);
  await memoryAlarm(true);
  let cleared: Promise<void> | undefined;
  try {
    cleared = (await alarmProbe()).unblocked;
    await untilUnhealthy(b);
    await eventually(() => errors.some((e) => /timed out|timeout/i.test(e)), 20_000, 100);
    const drained = await eventually(() => acked.size === jobs.length, 20_000, 100).then(
      () => true,
      () => false,
    );
    console.log(
      `restart: jobs acked during the alarm after the channel closed: ${acked.size} of ${jobs.length}`,
    );
    console.log(`restart: consumer errors: ${errors.join(' | ')}`);
    expect(acked.size).toBe(jobs.length);
    expect(drained).toBe(true);
  } finally {
    await memoryAlarm(false);
  }
  await cleared;
}, 120_000);
