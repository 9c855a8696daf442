import { defineConfig, defineTask } from '@warren/core';
import { makeJob } from '@warren/core/testing';
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
 * The result store stops answering (a frozen redis-server: its port still accepts) as a run ends
 * in a Lambda invocation. The executor's writes under the invocation's deadline waited the
 * store's 10 s command timeout per try, and retried after the first failure for the run-end
 * budget counted from that failure: the handler answered 23 s into an 8 s invocation, which
 * Lambda kills at 8 s, so the record was neither handed back nor reported and the whole batch came
 * back after the visibility timeout. Now a write gets no longer than the deadline and none is
 * tried after it: the record is handed back (a fresh copy) within the invocation.
 */
let sqs: LocalSqs;
let redis: PrivateRedis;
const RUN = `lss-${Date.now().toString(36)}`;

beforeAll(async () => {
  sqs = await startLocalSqs(await freePort());
  redis = await privateRedis('lambda store stall');
  await redis.start();
});
afterAll(async () => {
  redis?.signal('SIGCONT');
  await redis?.stop();
  await sqs?.close();
});

it('a store that stops answering at the end of a run: the record is handed back before the invocation ends', async () => {
  const task = defineTask({
    name: 'lss.freeze',
    input: z.unknown(),
    queue: RUN,
    handler: () => {
      redis.signal('SIGSTOP'); // the store freezes as the run ends
      return 1;
    },
  });
  // A hand-back waits the queue's visibility timeout (1 s); the invocation's receive hides for 30 s.
  const q = await sqs.createQueue(RUN, { visibilityTimeoutS: 1 });
  const results = createRedisResultStore({ redis: redis.url, prefix: `${RUN}:` });
  const worker = createWorker({
    config: defineConfig({ tasks: [task] }),
    results,
    sqs: createLambdaRecordMapper({ client: sqs.client }),
  });
  const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [RUN]: q.url } });
  await pub.publish(RUN, makeJob({ task: 'lss.freeze', queue: RUN, input: 1 }));
  await pub.close();
  try {
    // An 8 s invocation: Lambda ends it then, answered or not.
    const invocation = pollOnce(sqs, q, worker.sqsHandler, { remainingMs: 8000 });
    const cutOff = new Promise((r) => setTimeout(() => r('cut off at the invocation end'), 8000));
    const answer = await Promise.race([invocation, cutOff]);
    expect(answer).toMatchObject({ response: { batchItemFailures: [] } });
    await invocation;
    // Handed back: a fresh copy (marked so), the original deleted, with no receive spent.
    const back = await sqs.receive(q.url, 1);
    expect(
      back.map((m) => [
        m.Attributes?.ApproximateReceiveCount,
        m.MessageAttributes?.['warren-handed-back']?.StringValue,
      ]),
    ).toEqual([['1', '1']]);
  } finally {
    redis.signal('SIGCONT');
    await results.close();
  }
}, 60_000);
