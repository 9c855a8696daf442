import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createUpstashResultStore, serveRedisRest } from '@warren/results';
import { createSqsConsumer, createSqsPublisher } from '@warren/sqs';
import { createWorker } from '@warren/worker';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { localSqsForRun } from '../support/local-sqs-run';

const RUN = `h61-sqsrr-${uuidv7().slice(-8)}`;
const REDIS_URL = 'redis://127.0.0.1:6379';

const local = localSqsForRun(RUN, REDIS_URL);

// The SQS poll path: a release is a fresh copy (no receive spent), so a job whose record the
// store refused for good went round for ever even with a redrive policy. Now it is failed into
// the DLQ with the reason (the executor's, see refused-record.ts).
it('a job whose record the store refuses for good reaches the DLQ with its reason', async () => {
  let runs = 0;
  const task = defineTask({
    name: 'sqsrr.t',
    input: z.unknown(),
    queue: RUN,
    handler: () => {
      runs++;
      return 'ok';
    },
  });
  const dlq = await local.sqs.createQueue(`${RUN}-dlq`);
  const q = await local.sqs.createQueue(RUN, {
    deadLetterArn: dlq.arn,
    maxReceiveCount: 3,
    visibilityTimeoutS: 30,
  });
  const queueUrls = { [RUN]: q.url };
  // Upstash refuses requests over 10 MB; this stand-in over 64 KiB (an SQS body is 256 KiB at most).
  const rest = await serveRedisRest({ port: 0, redisUrl: REDIS_URL, token: 't', maxRequestBytes: 64 * 1024 });
  const results = createUpstashResultStore({ url: rest.url, token: 't', prefix: `${RUN}:` });
  const consumer = createSqsConsumer({ client: local.sqs.client, queueUrls, waitTimeS: 1 });
  const worker = createWorker({ config: defineConfig({ tasks: [task] }), consumer, results, queues: [RUN] });
  const pub = createSqsPublisher({ client: local.sqs.client, queueUrls });
  try {
    await worker.start();
    const job = makeJob({ task: 'sqsrr.t', queue: RUN, input: 'x'.repeat(100_000) });
    await pub.publish(RUN, job);
    const dead = await eventually(async () => {
      const r = await local.sqs.receive(dlq.url, 1);
      return r.length === 1 ? r : undefined;
    }, 20_000);
    expect(dead[0]!.MessageAttributes?.['warren-reason']?.StringValue).toMatch(
      /^refused by the result store: RecordNotStored: .*max request size exceeded/,
    );
    expect((await results.get(job.id))?.state).toBe('failed');
    expect(runs).toBe(0);
  } finally {
    await worker.stop(2000);
    await pub.close();
    await results.close();
    await rest.close();
  }
}, 60_000);
