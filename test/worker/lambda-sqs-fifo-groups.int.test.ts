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

/**
 * The SQS Lambda handler on a FIFO queue whose jobs each have their own message group (as the
 * forwarder sends them): order holds within a group only, so records of different groups run
 * side by side up to the concurrency, as on a standard queue and in the poll consumer. The
 * handler ran a FIFO batch one record at a time, so a batch of 10 took 10 task times and the
 * start gate handed its tail back unrun, each hand-back a receive that FIFO counts as an attempt.
 */
const RUN = `lfg-${uuidv7().slice(-8)}`;
let sqs: LocalSqs;
const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });

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

it('FIFO: records of different message groups run at once, up to the concurrency', async () => {
  let running = 0;
  let most = 0;
  // Waits until all four run together (at most 1 s): run one at a time, none ever sees another.
  const task = defineTask({
    name: 'lfg.together',
    input: z.unknown(),
    handler: async () => {
      most = Math.max(most, ++running);
      for (let i = 0; i < 20 && running < 4; i++) await new Promise((r) => setTimeout(r, 50));
      most = Math.max(most, running);
      running--;
      return most;
    },
  });
  const dlq = await sqs.createQueue(`${RUN}-dlq.fifo`, { fifo: true });
  const q = await sqs.createQueue(`${RUN}.fifo`, { fifo: true, deadLetterArn: dlq.arn, maxReceiveCount: 5 });
  const pub = createSqsPublisher({
    client: sqs.client,
    queueUrls: { [RUN]: q.url },
    messageGroupId: (job) => job.id, // one group per job, as the forwarder does
  });
  const jobs = [1, 2, 3, 4].map(() => makeJob({ task: 'lfg.together', queue: RUN, input: null }));
  for (const j of jobs) await pub.publish(RUN, j);
  await pub.close();
  const worker = createWorker({
    config: defineConfig({ tasks: [task] }),
    results,
    sqs: createLambdaRecordMapper({ client: sqs.client }),
    concurrency: 4,
  });
  const r = await pollOnce(sqs, q, worker.sqsHandler);
  expect(r!.event.Records.length).toBe(4);
  expect(r!.response.batchItemFailures).toEqual([]);
  for (const j of jobs) expect((await results.get(j.id))?.state).toBe('succeeded');
  expect(most).toBe(4);
});
