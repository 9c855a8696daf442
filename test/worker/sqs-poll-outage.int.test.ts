import { defineConfig, defineTask } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createSqsConsumer, createSqsPublisher } from '@warren/sqs';
import { type LocalSqs, startLocalSqs } from '@warren/sqs/testing';
import { createWorker } from '@warren/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { type PrivateRedis, privateRedis } from '../support/private-redis';

/**
 * A long-running worker polling SQS while its result store (a private redis-server) is down: each
 * failed delivery is given back. Shown again with visibility 0, every receive counted towards the
 * queue's redrive maxReceiveCount, so a store outage of a few receives moved the job to the DLQ
 * unrun. Given back as a fresh copy, it waits out the outage and runs once when Redis is back.
 */
let sqs: LocalSqs;
let redis: PrivateRedis;
const RUN = `wso-${Date.now().toString(36)}`;

beforeAll(async () => {
  sqs = await startLocalSqs(await freePort());
  redis = await privateRedis('outage test');
});
afterAll(async () => {
  await redis?.stop();
  await sqs?.close();
});

it('a result store outage longer than the queue maxReceiveCount loses nothing to the DLQ', async () => {
  let runs = 0;
  const task = defineTask({
    name: 'outage.add',
    input: z.object({ a: z.number(), b: z.number() }),
    queue: RUN,
    handler: ({ a, b }) => {
      runs++;
      return a + b;
    },
  });
  const dlq = await sqs.createQueue(`${RUN}-dlq`);
  const q = await sqs.createQueue(RUN, {
    deadLetterArn: dlq.arn,
    maxReceiveCount: 2,
    visibilityTimeoutS: 30,
  });
  const queueUrls = { [RUN]: q.url };
  const results = createRedisResultStore({ redis: redis.url, prefix: `${RUN}:` });
  const consumer = createSqsConsumer({ client: sqs.client, queueUrls, waitTimeS: 1 });
  const gaveBack: number[] = [];
  const worker = createWorker({
    config: defineConfig({ tasks: [task] }),
    consumer,
    results,
    queues: [RUN],
    onError: () => gaveBack.push(Date.now()),
  });
  const pub = createSqsPublisher({ client: sqs.client, queueUrls });
  try {
    await worker.start();
    const job = makeJob({ task: 'outage.add', queue: RUN, input: { a: 2, b: 3 } });
    await pub.publish(RUN, job);
    // Redis down: more deliveries given back than the queue allows receives.
    await eventually(() => gaveBack.length >= 4, 20_000);
    await redis.start();
    const rec = await eventually(async () => {
      const r = await results.get(job.id).catch(() => undefined);
      return r?.state === 'succeeded' ? r : undefined;
    }, 20_000);
    expect(rec).toMatchObject({ result: 5, attempts: 1 });
    expect(runs).toBe(1);
    expect(await sqs.receive(dlq.url, 0)).toEqual([]);
  } finally {
    await worker.stop(2000);
    await pub.close();
    await results.close();
  }
}, 60_000);
