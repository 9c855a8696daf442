import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { defineConfig, defineTask } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createLambdaRecordMapper, createSqsPublisher } from '@warren/sqs';
import { type LocalSqs, startLocalSqs } from '@warren/sqs/testing';
import { createWorker } from '@warren/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { type PrivateRedis, privateRedis } from '../support/private-redis';
import { pollOnce } from './support/sqs-event-source';

/**
 * The SQS Lambda handler while its result store (a private redis-server) is down: a record whose
 * run failed on the store was reported, so every invocation counted a receive towards the queue's
 * redrive maxReceiveCount, and an outage of that many receives had SQS move the job to the DLQ
 * unrun, with no reason (the poll consumer and the RMQ handler hand such a delivery back unspent).
 * Real-shaped events (pollOnce: receive, invoke, delete what is not reported) on local-aws-sqs.
 */
let sqs: LocalSqs;
let redis: PrivateRedis;
const RUN = `lso-${Date.now().toString(36)}`;

beforeAll(async () => {
  sqs = await startLocalSqs(await freePort());
  redis = await privateRedis('lambda store outage');
});
afterAll(async () => {
  await redis?.stop();
  await sqs?.close();
});

it('a result store outage longer than the queue maxReceiveCount loses nothing to the DLQ', async () => {
  let runs = 0;
  const task = defineTask({
    name: 'lso.add',
    input: z.object({ a: z.number(), b: z.number() }),
    queue: RUN,
    handler: ({ a, b }) => {
      runs++;
      return a + b;
    },
  });
  const dlq = await sqs.createQueue(`${RUN}-dlq`);
  // The hand-back waits the queue's visibility timeout, as a reported record would (1 s here).
  const q = await sqs.createQueue(RUN, { deadLetterArn: dlq.arn, maxReceiveCount: 2, visibilityTimeoutS: 1 });
  const results = createRedisResultStore({ redis: redis.url, prefix: `${RUN}:` });
  const failures: unknown[] = [];
  const worker = createWorker({
    config: defineConfig({ tasks: [task] }),
    results,
    sqs: createLambdaRecordMapper({ client: sqs.client }),
    onLambdaError: (err) => failures.push(err),
  });
  const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [RUN]: q.url } });
  try {
    const job = makeJob({ task: 'lso.add', queue: RUN, input: { a: 2, b: 3 } });
    await pub.publish(RUN, job);
    // Redis down: more invocations fail on the store than the queue allows receives. Each is a
    // 3 s function under a 3 s visibility (AWS requires the visibility to cover the function's
    // timeout): its run start is tried again for a moment (a try may have run, its reply lost).
    await eventually(
      async () => {
        await pollOnce(sqs, q, worker.sqsHandler, { visibilityTimeoutS: 3, remainingMs: 3000, waitS: 1 });
        return failures.length >= 4;
      },
      30_000,
      0,
    );
    expect(runs).toBe(0);
    await redis.start();
    const rec = await eventually(
      async () => {
        await pollOnce(sqs, q, worker.sqsHandler, { waitS: 1 });
        const r = await results.get(job.id).catch(() => undefined);
        return r?.state === 'succeeded' ? r : undefined;
      },
      20_000,
      0,
    );
    expect(rec).toMatchObject({ result: 5, attempts: 1 });
    expect(runs).toBe(1);
    expect(await sqs.receive(dlq.url, 0)).toEqual([]);
  } finally {
    await pub.close();
    await results.close();
  }
}, 60_000);

it('a failure that is not the store being unreachable is not handed back for ever: it spends its receives', async () => {
  const task = defineTask({ name: 'lso.deep', input: z.unknown(), queue: `${RUN}-deep`, handler: () => 1 });
  const dlq = await sqs.createQueue(`${RUN}-deep-dlq`);
  const q = await sqs.createQueue(`${RUN}-deep`, {
    deadLetterArn: dlq.arn,
    maxReceiveCount: 2,
    visibilityTimeoutS: 1,
  });
  await redis.start().catch(() => {}); // up (the first case may have started it already)
  const real = createRedisResultStore({ redis: redis.url, prefix: `${RUN}:` });
  // A store that refuses this job's writes for good with an error that is not a TransportError
  // (as JSON.stringify's RangeError on an input nested 100,000 deep did, before such a message
  // was refused at decode): the same failure on every receive, not the store being unreachable.
  const results = new Proxy(real, {
    get(target, prop) {
      if (prop === 'transition') return () => Promise.reject(new RangeError('refused for good'));
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const failures: unknown[] = [];
  const worker = createWorker({
    config: defineConfig({ tasks: [task] }),
    results,
    sqs: createLambdaRecordMapper({ client: sqs.client }),
    onLambdaError: (err) => failures.push(err),
  });
  const job = makeJob({ task: 'lso.deep', queue: `${RUN}-deep`, input: 'X' });
  await sqs.client.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: JSON.stringify(job) }));
  try {
    const ids = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const r = await pollOnce(sqs, q, worker.sqsHandler, { waitS: 0, visibilityTimeoutS: 1 });
      for (const rec of r?.event.Records ?? []) ids.add(rec.messageId);
      await new Promise((res) => setTimeout(res, 1100)); // past the reported record's visibility
    }
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toBeInstanceOf(RangeError);
    // One message throughout (no copies), moved by the redrive after its 2 receives.
    expect(ids.size).toBe(1);
    expect(await sqs.receive(q.url, 0)).toEqual([]);
    expect((await sqs.receive(dlq.url, 1)).length).toBe(1);
  } finally {
    await real.close();
  }
}, 60_000);
