import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createLambdaRecordMapper, createSqsPublisher } from '@warren/sqs';
import { type LocalSqs, startLocalSqs } from '@warren/sqs/testing';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { pollOnce } from './support/sqs-event-source';

// The SQS Lambda worker in a rolling deploy: the ingest function knows task `lug.added` before
// the worker function does. An old worker's invocation hands the job back (a fresh copy on a
// standard queue: no receive counted), and the new version's runs it.
const RUN = `lug-${uuidv7().slice(-8)}`;
let sqs: LocalSqs;
const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });
const known = defineTask({ name: 'lug.known', input: z.object({}), handler: async () => 'ok' });
const added = defineTask({
  name: 'lug.added',
  input: z.object({ n: z.number() }),
  handler: async ({ n }) => n * 2,
});
const worker = (tasks: (typeof known | typeof added)[]) =>
  createWorker({
    config: defineConfig({ tasks, worker: { unknownTaskGraceMs: 10_000 } }),
    results,
    sqs: createLambdaRecordMapper({ client: sqs.client }),
  });

/** One invocation with the next batch that comes (a hand-back's copy is delayed by a second). */
async function invoke(q: { url: string; arn: string }, w: ReturnType<typeof worker>) {
  for (let i = 0; i < 10; i++) {
    const r = await pollOnce(sqs, q, w.sqsHandler, { waitS: 1 });
    if (r) return r;
  }
  throw new Error('no message came');
}

beforeAll(async () => {
  sqs = await startLocalSqs(await freePort());
});
afterAll(async () => {
  await results.close();
  await sqs?.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

it('standard queue: an old worker function hands the job back unspent, the new one runs it', async () => {
  const dlq = await sqs.createQueue(`${RUN}-dlq`);
  const q = await sqs.createQueue(`${RUN}-q`, { deadLetterArn: dlq.arn, maxReceiveCount: 5 });
  const pub = createSqsPublisher({ client: sqs.client, queueUrls: { lug: q.url } });
  // One attempt only (no retries): the hand-backs must not count as one.
  const job = makeJob({ task: added.name, queue: 'lug', input: { n: 21 }, maxAttempts: 1 });
  await pub.publish('lug', job);
  await pub.close();
  const old = worker([known]);
  for (let i = 0; i < 2; i++) {
    await invoke(q, old);
    expect(await results.get(job.id)).toMatchObject({
      state: 'retrying',
      error: { type: 'UnknownTask', retryable: true },
    });
  }
  await invoke(q, worker([known, added]));
  expect(await results.get(job.id)).toMatchObject({ state: 'succeeded', result: 42, attempts: 1 });
  expect(await sqs.receive(dlq.url, 1)).toEqual([]);
}, 20_000);

it('FIFO queue: each hand-back is a receive SQS counts, yet the job still runs (as its last attempt)', async () => {
  const dlq = await sqs.createQueue(`${RUN}-dlq.fifo`, { fifo: true });
  const q = await sqs.createQueue(`${RUN}.fifo`, { fifo: true, deadLetterArn: dlq.arn, maxReceiveCount: 3 });
  const pub = createSqsPublisher({
    client: sqs.client,
    queueUrls: { lug: q.url },
    messageGroupId: (j) => j.id,
  });
  const job = makeJob({ task: added.name, queue: 'lug', input: { n: 1 }, maxAttempts: 2 });
  await pub.publish('lug', job);
  await pub.close();
  const old = worker([known]);
  // Past maxAttempts and up to the redrive's last receive (3), where a copy replaces the message.
  for (let i = 0; i < 4; i++) {
    await invoke(q, old);
    expect(await results.get(job.id)).toMatchObject({ state: 'retrying', error: { type: 'UnknownTask' } });
  }
  await invoke(q, worker([known, added]));
  expect(await results.get(job.id)).toMatchObject({ state: 'succeeded', result: 2, attempts: 2 });
  expect(await sqs.receive(dlq.url, 0)).toEqual([]);
}, 30_000);
