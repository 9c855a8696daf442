import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createExecutor, defineConfig, defineTask, NonRetriableError, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createSqsConsumer, createSqsPublisher } from '@warren/sqs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type LocalSqs, startLocalSqs } from '../../../sqs/src/testing/local-sqs';

const ROOT = resolve(import.meta.dirname, '../../../..');
const PORT = 26658;
const REDIS = 'redis://127.0.0.1:6379';
const RUN = `h57-dlqs-${uuidv7().slice(-8)}`;
const PREFIX = `${RUN}:`;
let sqs: LocalSqs;
let queueUrl: string;

/** The real CLI with --sqs against local-aws-sqs (no RabbitMQ), results in the shared Redis. */
function warren(args: string[]): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: REDIS,
    WARREN_REDIS_PREFIX: PREFIX,
    WARREN_CONFIG: 'packages/cli/src/testing/fx-dlq.config.ts',
    FX_QUEUE: RUN,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
  for (const k of ['RABBITMQ_URL', 'UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN']) delete env[k];
  const sqsArgs = ['--sqs', '--sqs-queue-url', queueUrl, '--sqs-endpoint', sqs.endpoint];
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', ...args, ...sqsArgs], {
    cwd: ROOT,
    env,
  });
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (out += b));
  return new Promise((done) => child.once('exit', (code) => done({ code, out })));
}

let broken = true;
const tasks = defineConfig({
  tasks: [
    defineTask({
      name: 'fx.flaky',
      input: z.object({ n: z.number() }),
      retry: { maxAttempts: 1 },
      handler: ({ n }) => {
        if (broken) throw new NonRetriableError(`sqs job ${n} failed`);
        return n * 10;
      },
    }),
  ],
}).tasks;
const results = createRedisResultStore({ redis: REDIS, prefix: PREFIX });

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  await sqs?.close();
  await results.close();
  const redis = new Redis(REDIS);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('warren dlq --sqs (local-aws-sqs)', () => {
  it('lists the SQS DLQ with reasons, replays a job as a new one into the queue, and only once', async () => {
    const dlq = await sqs.createQueue(`${RUN}-dlq`);
    queueUrl = (await sqs.createQueue(RUN, { deadLetterArn: dlq.arn, maxReceiveCount: 3 })).url;
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [RUN]: queueUrl } });
    const jobs = [1, 2].map((n) => makeJob({ task: 'fx.flaky', queue: RUN, maxAttempts: 1, input: { n } }));
    for (const job of jobs) await pub.publish(RUN, job);
    const consumer = createSqsConsumer({ client: sqs.client, queueUrls: { [RUN]: queueUrl }, waitTimeS: 1 });
    const executor = createExecutor({ tasks, results, workerId: 't', resultTtlS: 600 });
    const sub = await consumer.consume(RUN, async (d) => {
      await executor.execute(d);
    });
    for (const job of jobs)
      await eventually(async () => (await results.get(job.id))?.state === 'failed', 10_000);

    const list = await warren(['dlq', 'list', RUN]);
    expect(list.code, list.out).toBe(0);
    for (const [i, job] of jobs.entries())
      expect(list.out).toMatch(new RegExp(`${job.id}  fx\\.flaky  attempt 1/1  .*sqs job ${i + 1} failed`));
    expect(list.out).toMatch(/^2 in http:\S+-dlq$/m); // the DLQ's count: nothing more there

    broken = false;
    const replay = await warren(['dlq', 'replay', RUN, '--id', jobs[0]!.id]);
    expect(replay.code, replay.out).toBe(0);
    const fresh = replay.out.match(new RegExp(`${jobs[0]!.id} → ([0-9a-f-]{36})`))?.[1];
    expect(fresh, replay.out).toBeDefined();
    const rec = await eventually(async () => {
      const r = await results.get(fresh!);
      return r?.state === 'succeeded' ? r : undefined;
    }, 15_000);
    expect(rec.result).toBe(10);
    expect((await results.get(jobs[0]!.id))?.state).toBe('failed');

    // The other letter stayed; the replayed one is gone, so a second run enqueues nothing new.
    const again = await warren(['dlq', 'replay', RUN, '--id', jobs[0]!.id]);
    expect(again.code).toBe(1);
    expect(again.out).toContain(`not found among them: ${jobs[0]!.id}`);
    const left = await warren(['dlq', 'list', RUN, '--json']);
    expect(
      JSON.parse(left.out.slice(left.out.indexOf('{'))).letters.map((l: { jobId: string }) => l.jobId),
    ).toEqual([jobs[1]!.id]);

    // Dropped: deleted from the SQS DLQ for good.
    const drop = await warren(['dlq', 'drop', RUN, '--id', jobs[1]!.id]);
    expect(drop.code, drop.out).toBe(0);
    expect(drop.out).toContain(`dropped  ${jobs[1]!.id}  fx.flaky`);
    expect((await warren(['dlq', 'list', RUN])).out).toMatch(/is empty/);
    await sub.close();
    await consumer.close();
    await pub.close();
  }, 90_000);
});
