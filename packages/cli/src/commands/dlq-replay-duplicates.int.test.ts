import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { type AmqpBroker, createAmqpBroker, deadLetterProperties, dlqName, warrenCodec } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';

const ROOT = resolve(import.meta.dirname, '../../../..');
const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const REDIS = 'redis://127.0.0.1:6379';
const RUN = `h80-dlqd-${uuidv7().slice(-8)}`;
const Q = `${RUN}-work`;
const PREFIX = `${RUN}:`;
const config = defineConfig({
  queues: { [Q]: {} },
  tasks: [defineTask({ name: 'fx.flaky', queue: Q, input: z.object({ n: z.number() }) })],
});
let broker: AmqpBroker;

function warren(args: string[]): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RABBITMQ_URL: AMQP,
    REDIS_URL: REDIS,
    WARREN_REDIS_PREFIX: PREFIX,
    WARREN_CONFIG: 'packages/cli/src/testing/fx-dlq.config.ts',
    FX_QUEUE: Q,
    FX_FULL_QUEUE: `${RUN}-full`,
  };
  delete env.UPSTASH_REDIS_REST_URL;
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', ...args], { cwd: ROOT, env });
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (out += b));
  return new Promise((done) => child.once('exit', (code) => done({ code, out })));
}
const depth = async (q: string) => (await broker.checkQueue(q)).messageCount;
/** A letter of `job` as the worker dead-letters it, dead `ago` ms ago. */
const deadLetter = async (job: ReturnType<typeof makeJob>, reason: string, ago: number) => {
  const msg = warrenCodec.encode(job);
  const props = deadLetterProperties({ properties: msg.properties as never }, Q, reason);
  props.headers!['x-warren-dead-at'] = Date.now() - ago;
  await broker.sendDeadLetter(Q, msg.content, props);
};

beforeAll(async () => {
  broker = createAmqpBroker({ urls: [AMQP], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
});
afterAll(async () => {
  await broker?.close();
  const admin = await amqp.connect(AMQP);
  const ch = await admin.createChannel();
  for (const q of [Q, dlqName(Q), `${RUN}-full`, dlqName(`${RUN}-full`)])
    await ch.deleteQueue(q).catch(() => {});
  await admin.close();
  const redis = new Redis(REDIS);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('warren dlq replay of a job with two letters (real RabbitMQ + Redis)', () => {
  // The worker dead-letters a failed job's redelivery again (settle-delivery's deadLetterAgain:
  // its first DLQ copy may not have been confirmed), so one death can leave two letters.
  it('--id and --all enqueue the job once and remove both letters', async () => {
    const [a, b] = [1, 2].map((n) => makeJob({ task: 'fx.flaky', queue: Q, input: { n } }));
    for (const job of [a!, b!]) {
      await deadLetter(job, 'failed after 1 attempts: Error: boom', 2000);
      await deadLetter(
        job,
        'already failed; redelivered after its dead-lettering, dead-lettered again',
        1000,
      );
    }
    const one = await warren(['dlq', 'replay', Q, '--id', a!.id]);
    expect(one.code, one.out).toBe(0);
    expect(one.out.match(/ → /g)).toHaveLength(1);
    expect(one.out).toMatch(new RegExp(`${a!.id}  fx\\.flaky  another letter of the same job: removed`));
    // --json: one report, each outcome with its kind (what a nightly script parses).
    const all = await warren(['dlq', 'replay', Q, '--all', '--json']);
    expect(all.code, all.out).toBe(0);
    const report = JSON.parse(all.out.slice(all.out.indexOf('{')));
    expect(report).toMatchObject({ queue: Q, dlq: dlqName(Q), dryRun: false, notFound: [], skipped: 0 });
    expect(report.outcomes.map((o: { kind: string; oldId: string }) => [o.kind, o.oldId])).toEqual([
      ['replayed', b!.id],
      ['duplicate', b!.id],
    ]);
    expect(all.out).not.toMatch(/ → /);
    await eventually(async () => (await depth(dlqName(Q))) === 0, 5000).catch(() => {});
    expect(await depth(dlqName(Q))).toBe(0);
    expect(await depth(Q)).toBe(2); // one new job per dead job
  }, 30_000);
});
