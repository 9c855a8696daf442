import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { type AmqpBroker, createAmqpBroker, deadLetterProperties, dlqName, warrenCodec } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, NonRetriableError, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { recordDeath, replayDeadLetters } from './dlq-replay';

const ROOT = resolve(import.meta.dirname, '../../../..');
const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const REDIS = 'redis://127.0.0.1:6379';
const RUN = `h57-dlq-${uuidv7().slice(-8)}`;
const Q = `${RUN}-work`;
const FULL = `${RUN}-full`;
const PREFIX = `${RUN}:`;

/** The real CLI against the real services, with the fixture config naming this run's queues. */
function warren(args: string[]): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RABBITMQ_URL: AMQP,
    REDIS_URL: REDIS,
    WARREN_REDIS_PREFIX: PREFIX,
    WARREN_CONFIG: 'packages/cli/src/testing/fx-dlq.config.ts',
    FX_QUEUE: Q,
    FX_FULL_QUEUE: FULL,
  };
  delete env.UPSTASH_REDIS_REST_URL;
  delete env.UPSTASH_REDIS_REST_TOKEN;
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', ...args], { cwd: ROOT, env });
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (out += b));
  return new Promise((done) => child.once('exit', (code) => done({ code, out })));
}

// The fixture's task, with a handler this test can mend: broken, every job dies on its only attempt.
let broken = true;
const runs: number[] = [];
const flaky = defineTask({
  name: 'fx.flaky',
  queue: Q,
  input: z.object({ n: z.number() }),
  retry: { maxAttempts: 1 },
  handler: ({ n }) => {
    runs.push(n);
    if (!broken) return { n };
    if (n === 3) throw new Error('exhausted: third job'); // its only attempt spent
    throw new NonRetriableError(`bad job ${n}\x1b[2J`); // an escape sequence in the reason
  },
});
const config = defineConfig({
  queues: { [Q]: {}, [FULL]: { type: 'classic', maxLength: 1 } },
  tasks: [flaky],
});
const results = createRedisResultStore({ redis: REDIS, prefix: PREFIX });
const redis = new Redis(REDIS);
let broker: AmqpBroker;
let worker: ReturnType<typeof createWorker>;
const producer = () =>
  createProducer({ config, publishers: new Map([[config.region, broker.publisher]]), results });
const ids: string[] = []; // the dead jobs n=1..3
const replayedAs = new Map<string, string>(); // old id → its replay's new id
const depth = async (q: string) => (await broker.checkQueue(q)).messageCount;
/**
 * Old job ids in <Q>.dlq, by dead-at (unreadable: '?'), once they equal `want`: a quorum queue
 * applies what a reader handed back a moment after the reader is done (counts lag likewise).
 */
const lettersSettle = async (want: string[], q = Q) => {
  let got: string[] = [];
  const settled = async () => {
    got = await letters(q);
    return JSON.stringify(got) === JSON.stringify(want);
  };
  await eventually(settled, 5000).catch(() => {});
  return got;
};
const depthSettles = async (q: string, want: number) => {
  await eventually(async () => (await depth(q)) === want, 5000).catch(() => {});
  return depth(q);
};
/** Old job ids in <Q>.dlq, by dead-at (unreadable: '?'). */
const letters = async (q = Q) =>
  (await broker.peekDeadLetters(q, 100, { decode: true })).map((r) =>
    r.decoded?.ok ? r.decoded.job.id : '?',
  );

beforeAll(async () => {
  broker = createAmqpBroker({ urls: [AMQP], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  worker = createWorker({ config, consumer: broker.consumer, results, queues: [Q], concurrency: 1 });
  await worker.start();
  // Dead-lettered for real, one after the other (dead-at order = 1, 2, 3, then the poison body).
  for (const n of [1, 2, 3]) {
    const { response } = await producer().enqueue({ task: 'fx.flaky', input: { n } });
    ids.push(response.id);
    await eventually(async () => (await results.get(response.id))?.state === 'failed', 10_000);
  }
  await broker.publishRaw(Q, 'not json at all');
  await eventually(async () => (await depth(dlqName(Q))) === 4, 10_000);
}, 60_000);

afterAll(async () => {
  await worker?.stop(5000);
  await broker?.close();
  const admin = await (await import('amqplib')).default.connect(AMQP);
  const ach = await admin.createChannel();
  for (const q of [Q, FULL]) for (const n of [q, dlqName(q)]) await ach.deleteQueue(n).catch(() => {});
  await admin.close();
  await results.close();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
});

describe.sequential('warren dlq on real RabbitMQ + Redis', () => {
  it('list: one line per letter, the unreadable body too, reasons escaped; --json and --limit', async () => {
    const { code, out } = await warren(['dlq', 'list', Q]);
    expect(code, out).toBe(0);
    expect(out).toMatch(
      new RegExp(`${ids[0]}  fx\\.flaky  attempt 1/1  \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  .*bad job 1`),
    );
    expect(out).toMatch(new RegExp(`${ids[2]}  fx\\.flaky  attempt 1/1  .*exhausted: third job`));
    expect(out).toMatch(/\(unreadable\) .*not JSON/);
    expect(out).toContain('bad job 2\\x1b[2J');
    expect(out).not.toContain('\x1b[2J');
    expect(out).toContain(`4 in ${Q}.dlq`);

    const json = await warren(['dlq', 'list', Q, '--json', '--limit', '2']);
    expect(json.code, json.out).toBe(0);
    const doc = JSON.parse(json.out.slice(json.out.indexOf('{')));
    expect(doc).toMatchObject({ queue: Q, shown: 2, more: 2 });
    expect(doc.letters[0]).toMatchObject({ jobId: ids[0], task: 'fx.flaky', attempt: 1, input: { n: 1 } });
    expect(await depthSettles(dlqName(Q), 4)).toBe(4); // nothing consumed
  }, 60_000);

  it('replay --id: only that job, as a new job that runs; the others stay, in order', async () => {
    broken = false; // the task works now
    const { code, out } = await warren(['dlq', 'replay', Q, '--id', ids[1]!]);
    expect(code, out).toBe(0);
    const m = out.match(new RegExp(`${ids[1]} → ([0-9a-f-]{36})`));
    expect(m, out).not.toBeNull();
    const fresh = m![1]!;
    expect(out).toContain('1 replayed; 2 not chosen (left)');
    const rec = await eventually(async () => {
      const r = await results.get(fresh);
      return r?.state === 'succeeded' ? r : undefined;
    }, 10_000);
    expect(rec).toMatchObject({ task: 'fx.flaky', input: { n: 2 }, result: { n: 2 } });
    expect((await results.get(ids[1]!))?.state).toBe('failed'); // terminal: never changes again
    expect(await lettersSettle([ids[0]!, ids[2]!, '?'])).toEqual([ids[0], ids[2], '?']);
  }, 60_000);

  it('a replay whose acks were lost, then replay --all: each job is enqueued once', async () => {
    // Crash after the confirmed publish, before the ack: the letters stay in the DLQ.
    const take = await broker.takeDeadLetters(Q, 100);
    const lost = { ...take, letters: take.letters, remaining: take.remaining, ack: () => {}, end: take.end };
    const first = await replayDeadLetters(lost, producer().enqueue, Q, { deathOf: recordDeath(results) });
    const fresh = first.outcomes.flatMap((o) => (o.kind === 'replayed' ? [[o.oldId, o.newId]] : []));
    for (const [old, id] of fresh) replayedAs.set(old!, id!);
    expect(fresh.map(([old]) => old)).toEqual([ids[0], ids[2]]);
    expect(await lettersSettle([ids[0]!, ids[2]!, '?'])).toEqual([ids[0], ids[2], '?']);
    await eventually(async () => runs.filter((n) => n === 1 || n === 3).length === 4, 10_000); // dead + replayed

    const { code, out } = await warren(['dlq', 'replay', Q, '--all']);
    expect(code, out).toBe(0);
    for (const [old, id] of fresh)
      expect(out).toContain(`${old} → ${id}  fx.flaky  (replayed before: same job)`);
    expect(out).toMatch(/\(unreadable\) +left in .*not JSON/);
    expect(await lettersSettle(['?'])).toEqual(['?']);
    await new Promise((r) => setTimeout(r, 500));
    expect(runs.filter((n) => n === 1).length).toBe(2); // once dead, once replayed: not a third time
    expect(await depth(Q)).toBe(0);
  }, 60_000);

  // The worker dead-letters a failed job's redelivery again (deadLetterAgain), maybe minutes after
  // the first letter was replayed: that letter has a dead-at of its own, and had a key of its own.
  it('a later second letter of a death already replayed answers with the same job; it runs once', async () => {
    const again = makeJob({ id: ids[0]!, task: 'fx.flaky', queue: Q, input: { n: 1 }, maxAttempts: 1 });
    const msg = warrenCodec.encode(again);
    const reason = 'already failed; redelivered after its dead-lettering, dead-lettered again';
    await broker.sendDeadLetter(
      Q,
      msg.content,
      deadLetterProperties({ properties: msg.properties as never }, Q, reason),
    );
    const { code, out } = await warren(['dlq', 'replay', Q, '--id', ids[0]!]);
    expect(code, out).toBe(0);
    expect(out).toContain(`${ids[0]} → ${replayedAs.get(ids[0]!)}  fx.flaky  (replayed before: same job)`);
    await new Promise((r) => setTimeout(r, 500));
    expect(runs.filter((n) => n === 1).length).toBe(2); // dead once, replayed once
    expect(await lettersSettle(['?'])).toEqual(['?']);
  }, 60_000);

  it('a broker that refuses the publish (queue full) leaves the letter in place; exit 1', async () => {
    await broker.publisher.publish(FULL, makeJob({ task: 'fx.flaky', queue: FULL, input: { n: 9 } }));
    const dead = makeJob({ task: 'fx.flaky', queue: FULL, input: { n: 8 } });
    const msg = warrenCodec.encode(dead);
    const props = deadLetterProperties({ properties: msg.properties as never }, FULL, 'boom');
    await broker.sendDeadLetter(FULL, msg.content, props);
    const { code, out } = await warren(['dlq', 'replay', FULL, '--all']);
    expect(code, out).toBe(1);
    expect(out).toMatch(new RegExp(`${dead.id}  fx\\.flaky  NOT replayed: .*full`, 'i'));
    expect(out).toMatch(/not everything chosen was replayed/);
    expect(await lettersSettle([dead.id], FULL)).toEqual([dead.id]);
    expect(await depth(FULL)).toBe(1);
  }, 60_000);

  it('refuses without --all or --id, a queue not in the config, and says which --id it did not find', async () => {
    expect((await warren(['dlq', 'replay', Q])).out).toMatch(/pass --all or --id/);
    const other = await warren(['dlq', 'replay', `${RUN}-nope`, '--all']);
    expect(other.code).toBe(1);
    expect(other.out).toMatch(/is not in the config/);
    const missing = uuidv7();
    const notFound = await warren(['dlq', 'replay', FULL, '--id', missing]);
    expect(notFound.code).toBe(1);
    expect(notFound.out).toContain(`not found among them: ${missing}`);
    expect(await depth(dlqName(FULL))).toBe(1);
  }, 60_000);
});
