import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createLambdaRecordMapper } from '@warren/sqs';
import { type LocalSqs, startLocalSqs } from '@warren/sqs/testing';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { pollOnce } from './support/sqs-event-source';

/**
 * A record the SQS Lambda handler itself fails on every time (not the task, not the store being
 * unreachable: a write refused for good, a defect it trips) is reported and spends its receives
 * (5f642f6). On its last receive the redrive moved it to the DLQ on the next one, with no
 * warren-reason: nobody could tell why, unlike the RMQ handler and the long-running worker,
 * which dead-letter such a message with the error. Now the handler copies it there itself, with
 * the error, on its last receive.
 */
const RUN = `lpr-${uuidv7().slice(-8)}`;
let sqs: LocalSqs;
const real = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });

beforeAll(async () => {
  sqs = await startLocalSqs(await freePort());
});
afterAll(async () => {
  await real.close();
  await sqs?.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

it('a record the worker fails on every receive reaches the DLQ with the error, not silently by the redrive', async () => {
  let runs = 0;
  const task = defineTask({
    name: 'lpr.add',
    input: z.unknown(),
    queue: RUN,
    handler: () => {
      runs++;
      return 1;
    },
  });
  const dlq = await sqs.createQueue(`${RUN}-dlq`);
  const q = await sqs.createQueue(RUN, { deadLetterArn: dlq.arn, maxReceiveCount: 2, visibilityTimeoutS: 1 });
  // A store that refuses this job's writes for good with an error that is not a TransportError.
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
  const job = makeJob({ task: 'lpr.add', queue: RUN, input: 'X' });
  await sqs.client.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: JSON.stringify(job) }));
  // Received until it is gone from the queue (2 receives; a busy box may answer a poll late).
  let receives = 0;
  for (let i = 0; i < 20 && receives < 2; i++) {
    const r = await pollOnce(sqs, q, worker.sqsHandler, { waitS: 0, visibilityTimeoutS: 1 });
    receives += r?.event.Records.length ?? 0;
    await new Promise((res) => setTimeout(res, 500)); // towards a reported record's visibility
  }
  expect(receives).toBe(2);
  expect(failures[0]).toBeInstanceOf(RangeError);
  expect(runs).toBe(0);
  expect(await sqs.receive(q.url, 0)).toEqual([]);
  const dead = await sqs.receive(dlq.url, 1);
  expect(dead.map((m) => m.Body)).toEqual([JSON.stringify(job)]);
  expect(dead[0]!.MessageAttributes?.['warren-reason']?.StringValue).toMatch(/RangeError: refused for good/);
}, 30_000);
