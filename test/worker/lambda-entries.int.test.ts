import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { createAmqpBroker } from '@warren/amqp';
import { uuidv7 } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createSqsPublisher } from '@warren/sqs';
import { type LocalSqs, startLocalSqs } from '@warren/sqs/testing';
import amqplib from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunction, FUNCTIONS_SRC, ROOT } from '../../scripts/build-functions';
import { takeAsRmqEvent } from './support/rmq-event-source';
import { pollOnce } from './support/sqs-event-source';

const PORT = 26620;
const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const REDIS = 'redis://127.0.0.1:6379';
const RUN = `wle-${uuidv7().slice(-8)}`;
// .build is git-ignored, so a fresh checkout (CI) does not have it yet.
mkdirSync(join(ROOT, '.build'), { recursive: true });
const outDir = mkdtempSync(join(ROOT, '.build/test-worker-'));
const results = createRedisResultStore({ redis: REDIS, prefix: `${RUN}:` });
let sqs: LocalSqs;

/** Runs the bundled entry's `handler` on `event` in a fresh Node process with only `env`. */
async function invokeBundle(file: string, event: unknown, env: Record<string, string>): Promise<unknown> {
  const script = `
    const { handler } = await import(${JSON.stringify(file)});
    const out = await handler(JSON.parse(process.env.EVENT), { getRemainingTimeInMillis: () => 30000 })
      .then((r) => ({ ok: r ?? null }), (e) => ({ error: String(e) }));
    console.log(JSON.stringify(out));
    process.exit(0);`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: outDir,
    timeout: 60_000,
    env: { PATH: process.env.PATH, EVENT: JSON.stringify(event), WARREN_REDIS_PREFIX: `${RUN}:`, ...env },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  rmSync(outDir, { recursive: true, force: true });
  // The records the bundles wrote under the run's prefix (they would stay until their TTL).
  const redis = new Redis(REDIS);
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await results.close();
  await sqs?.close();
});

describe('Lambda entry bundles (esbuild, as deployed) configured from the environment', () => {
  it('stacks/functions/sqs-worker.ts: REDIS_URL + the AWS SDK env, partial batch response, retry and DLQ through the lazily loaded SQS client', async () => {
    const b = await buildFunction(join(FUNCTIONS_SRC, 'sqs-worker.ts'), outDir);
    const dlq = await sqs.createQueue(`${RUN}-dlq`);
    const q = await sqs.createQueue(`${RUN}-q`, { deadLetterArn: dlq.arn, maxReceiveCount: 3 });
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { default: q.url } });
    const awsEnv = {
      REDIS_URL: REDIS,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    };
    // The bundled config is the repo's warren.config.ts (example tasks).
    const ok = makeJob({ task: 'demo.add', input: { a: 20, b: 22 } });
    const fail = makeJob({ task: 'demo.fail', input: {}, maxAttempts: 3 });
    await pub.publish('default', ok);
    await pub.publish('default', fail);
    await sqs.client.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'not json at all' }));
    let response: unknown;
    // Received with a 30 s visibility timeout: only the worker's ChangeMessageVisibility (demo.fail
    // backs off ≤ 2 s) brings the failed record back within the test.
    const r = await pollOnce(
      sqs,
      q,
      async (event) => {
        const out = (await invokeBundle(b.file, event, awsEnv)) as {
          ok?: { batchItemFailures: { itemIdentifier: string }[] };
          error?: string;
        };
        response = out;
        return out.ok!;
      },
      { visibilityTimeoutS: 30 },
    );
    expect(response).toHaveProperty('ok');
    expect(r!.event.Records).toHaveLength(3);
    const failId = r!.event.Records.find((x) => x.body.includes(fail.id))!.messageId;
    expect(r!.response.batchItemFailures).toEqual([{ itemIdentifier: failId }]);
    expect((await results.get(ok.id))?.result).toBe(42);
    expect((await results.get(fail.id))?.state).toBe('retrying');
    // The retry: the same message, visible again after the backoff (not after the 30 s).
    const again = await sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl: q.url,
        WaitTimeSeconds: 8,
      }),
    );
    expect(again.Messages?.map((m) => m.MessageId)).toEqual([failId]);
    // The body that is not a job went to the DLQ with the reason.
    const dead = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
    );
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['not json at all']);
    expect(dead.Messages?.[0]?.MessageAttributes?.['warren-reason']?.StringValue).toMatch(/JSON/);
    await pub.close();
  }, 120_000);

  it('stacks/functions/sqs-worker.ts: a batch that only succeeds makes no SQS call (the client loads on the first retry)', async () => {
    const b = await buildFunction(join(FUNCTIONS_SRC, 'sqs-worker.ts'), outDir);
    const q = await sqs.createQueue(`${RUN}-ok`);
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { default: q.url } });
    const jobs = [1, 2, 3].map((a) => makeJob({ task: 'demo.add', input: { a, b: 1 } }));
    for (const j of jobs) await pub.publish('default', j);
    const r = await pollOnce(sqs, q, async (event) => {
      // Nothing listens on port 9: any SQS request (GetQueueUrl, ChangeMessageVisibility) would fail.
      const out = (await invokeBundle(b.file, event, {
        REDIS_URL: REDIS,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9',
      })) as { ok?: { batchItemFailures: unknown[] }; error?: string };
      expect(out).toEqual({ ok: { batchItemFailures: [] } });
      return out.ok! as never;
    });
    expect(r!.event.Records).toHaveLength(3);
    for (const [i, j] of jobs.entries()) expect((await results.get(j.id))?.result).toBe(i + 2);
    await pub.close();
  }, 120_000);

  it('stacks/functions/rmq-worker.ts: RABBITMQ_URL + REDIS_URL, retries republished, poison dead-lettered', async () => {
    const b = await buildFunction(join(FUNCTIONS_SRC, 'rmq-worker.ts'), outDir);
    const queue = `${RUN}.rmq`;
    const broker = createAmqpBroker({ urls: [AMQP] });
    await broker.connect();
    await broker.ensureQueue(queue);
    const conn = await amqplib.connect(AMQP);
    const ch = await conn.createChannel();
    try {
      const ok = makeJob({ task: 'demo.add', queue, input: { a: 1, b: 2 } });
      const fail = makeJob({ task: 'demo.fail', queue, input: {}, maxAttempts: 3 });
      await broker.publisher.publish(queue, ok);
      await broker.publisher.publish(queue, fail);
      await broker.publishRaw(queue, 'not json at all');
      const event = await takeAsRmqEvent(ch, queue);
      const out = await invokeBundle(b.file, event, { REDIS_URL: REDIS, RABBITMQ_URL: AMQP });
      expect(out).toEqual({ ok: null });
      expect((await results.get(ok.id))?.result).toBe(3);
      expect((await results.get(fail.id))?.state).toBe('retrying');
      const dead = await broker.peekDeadLetters(queue);
      expect(dead.map((d) => d.reason)).toEqual([expect.stringMatching(/not JSON/)]);
      // The retry went to a delay tier and comes back to the queue as attempt 2.
      const back = await new Promise<amqplib.GetMessage>((resolve, reject) => {
        const until = Date.now() + 15_000;
        const tick = async () => {
          const m = await ch.get(queue, { noAck: true });
          if (m) return resolve(m);
          if (Date.now() > until) return reject(new Error('retry never came back'));
          setTimeout(tick, 100);
        };
        void tick();
      });
      expect(JSON.parse(back.content.toString())).toMatchObject({ id: fail.id, attempt: 2 });
    } finally {
      await ch.deleteQueue(queue).catch(() => {});
      await ch.deleteQueue(`${queue}.dlq`).catch(() => {});
      await conn.close();
      await broker.close();
    }
  }, 120_000);
});
