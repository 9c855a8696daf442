import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { defineConfig, defineTask, type JobEnvelope } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createLambdaRecordMapper, createSqsConsumer, createSqsPublisher } from '@warren/sqs';
import { type LocalSqs, startLocalSqs } from '@warren/sqs/testing';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { redriveMaxReceiveCount } from '../../stacks/plan-queues';
import { freePort } from '../support/ports';
import { pollOnce } from './support/sqs-event-source';

/**
 * Taking over a run whose worker died, on SQS (helper-79). The state a crash leaves is made by
 * hand: the dead worker's receive (its visibility ran out) and a `running` record under a short
 * lease (a real crash leaves the task's timeout + 30 s). SQS counts every receive as an attempt,
 * so the receive after a crash has counted the lost run: the takeover must not spend another
 * attempt (AMQP, whose redelivery keeps the attempt, spends it there: WorkerLostError), and a lost
 * last attempt fails the job, as on AMQP, instead of running an attempt 3 of 2.
 */
const REDIS = 'redis://127.0.0.1:6379';
const RUN = `h79-sqslost-${Date.now().toString(36)}`;
let sqs: LocalSqs;
const results = createRedisResultStore({ redis: REDIS, prefix: `${RUN}:` });
const runs: number[] = [];
const task = defineTask({
  name: 'lost.once',
  input: z.object({}),
  retry: { maxAttempts: 2, backoff: { kind: 'fixed', baseMs: 10, jitter: false } },
  handler: (_input, ctx) => {
    runs.push(ctx.attempt);
    return 'ok';
  },
});
const config = defineConfig({ tasks: [task] });

beforeAll(async () => {
  sqs = await startLocalSqs(await freePort());
});
afterAll(async () => {
  await results.close();
  await sqs?.close();
  const redis = new Redis(REDIS);
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

/**
 * A queue holding `job`, received `receives` times (the last by a worker that died running it as
 * `lostAttempt`, the others runs that failed and retried).
 */
async function crashed(
  name: string,
  job: JobEnvelope,
  lostAttempt: number,
  receives = 1,
  maxReceiveCount = 10,
) {
  const dlq = await sqs.createQueue(`${RUN}-${name}-dlq`);
  const q = await sqs.createQueue(`${RUN}-${name}`, {
    deadLetterArn: dlq.arn,
    maxReceiveCount,
    visibilityTimeoutS: 30,
  });
  const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [job.queue]: q.url } });
  await pub.publish(job.queue, job);
  await pub.close();
  for (let i = 0; i < receives; i++) {
    const got = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: q.url, VisibilityTimeout: 0 }));
    expect(got.Messages?.length).toBe(1);
  }
  await results.transition(job.id, 'running', {
    task: job.task,
    queue: job.queue,
    maxAttempts: job.maxAttempts,
    enqueuedAt: job.enqueuedAt,
    attempts: lostAttempt,
    owner: 'dead-worker/1',
    leaseMs: 2000,
    ttlS: 60,
  });
  return { q, dlq };
}

const finished = (id: string) =>
  eventually(async () => {
    const r = await results.get(id);
    return r?.state === 'succeeded' || r?.state === 'failed' ? r : undefined;
  }, 10_000);

/** Polls `queue` with a long-running worker until the job's record is finished. */
async function pollWorker(queue: string, url: string, id: string) {
  const consumer = createSqsConsumer({ client: sqs.client, queueUrls: { [queue]: url }, waitTimeS: 1 });
  const worker = createWorker({ config, consumer, results, queues: [queue] });
  await worker.start();
  try {
    return await finished(id);
  } finally {
    await worker.stop(2000);
  }
}

it('poll worker: a crash on attempt 1 of 2 costs one attempt, the job runs as attempt 2', async () => {
  runs.length = 0;
  const queue = `${RUN}-a`;
  const job = makeJob({ task: task.name, queue, input: {}, maxAttempts: 2 });
  const { q } = await crashed('a', job, 1);
  const rec = await pollWorker(queue, q.url, job.id);
  expect({ state: rec.state, attempts: rec.attempts }).toEqual({ state: 'succeeded', attempts: 2 });
  expect(runs).toEqual([2]);
}, 20_000);

it('poll worker: a crash on the last attempt fails the job (WorkerLostError) into the DLQ, unrun', async () => {
  runs.length = 0;
  const queue = `${RUN}-b`;
  const job = makeJob({ task: task.name, queue, input: {}, attempt: 2, maxAttempts: 2 });
  const { q, dlq } = await crashed('b', job, 2);
  const rec = await pollWorker(queue, q.url, job.id);
  expect({ state: rec.state, attempts: rec.attempts, error: rec.error?.type }).toEqual({
    state: 'failed',
    attempts: 2,
    error: 'WorkerLostError',
  });
  expect(runs).toEqual([]);
  const dead = await sqs.receive(dlq.url, 1);
  expect(dead.map((m) => m.MessageAttributes?.['warren-reason']?.StringValue)).toEqual([
    expect.stringMatching(/^failed after 2 attempts: WorkerLostError: /),
  ]);
}, 20_000);

it('Lambda SQS handler: a crash on the last attempt fails the job (WorkerLostError), unrun', async () => {
  runs.length = 0;
  const queue = `${RUN}-c`;
  const job = makeJob({ task: task.name, queue, input: {}, attempt: 2, maxAttempts: 2 });
  const { q } = await crashed('c', job, 2);
  const worker = createWorker({ config, results, sqs: createLambdaRecordMapper({ client: sqs.client }) });
  // The redelivery finds the dead run's lease (a deferred copy), then takes the run over.
  const rec = await eventually(
    async () => {
      await pollOnce(sqs, q, worker.sqsHandler, { waitS: 0 });
      const r = await results.get(job.id);
      return r?.state === 'succeeded' || r?.state === 'failed' ? r : undefined;
    },
    10_000,
    200,
  );
  expect({ state: rec.state, attempts: rec.attempts, error: rec.error?.type }).toEqual({
    state: 'failed',
    attempts: 2,
    error: 'WorkerLostError',
  });
  expect(runs).toEqual([]);
}, 20_000);

it('a crash on the last attempt, on a queue with the redrive the deploy plans, is failed, not left running', async () => {
  runs.length = 0;
  const queue = `${RUN}-d`;
  // The deploy's redrive for a task of 5 attempts; the dead run was the 5th receive.
  const maxReceiveCount = redriveMaxReceiveCount([5]);
  const job = makeJob({ task: task.name, queue, input: {}, maxAttempts: 5 });
  const { q, dlq } = await crashed('d', job, 5, 5, maxReceiveCount);
  const consumer = createSqsConsumer({ client: sqs.client, queueUrls: { [queue]: q.url }, waitTimeS: 1 });
  const worker = createWorker({ config, consumer, results, queues: [queue] });
  await worker.start();
  try {
    // SQS's redrive moved the message to the DLQ unrun on the receive after the 5th: the record
    // stayed `running` (until its TTL), the DLQ copy had no reason. RabbitMQ fails such a job.
    const rec = await finished(job.id);
    expect({ state: rec.state, attempts: rec.attempts, error: rec.error?.type }).toEqual({
      state: 'failed',
      attempts: 5,
      error: 'WorkerLostError',
    });
  } finally {
    await worker.stop(2000);
  }
  expect(runs).toEqual([]);
  const dead = await sqs.receive(dlq.url, 1);
  expect(dead.map((m) => m.MessageAttributes?.['warren-reason']?.StringValue)).toEqual([
    expect.stringMatching(/^failed after 5 attempts: WorkerLostError: /),
  ]);
}, 20_000);
