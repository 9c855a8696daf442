import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createLambdaRecordMapper, createSqsPublisher } from '@warren/sqs';
import { type LocalSqs, startLocalSqs } from '@warren/sqs/testing';
import { createWorker } from '@warren/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { pollOnce } from './support/sqs-event-source';

/**
 * The start gate with a job that carries its own, shorter timeout (the envelope's timeoutMs: a
 * Celery time_limit). Its task's timeout (60 s) is longer than the invocation, so the gate went by
 * the 6 s floor only and started the job with less time left than the job's own 6 s: cut short.
 */
const RUN = `wgatej-${uuidv7().slice(-8)}`;
let sqs: LocalSqs;
const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });

beforeAll(async () => {
  sqs = await startLocalSqs(await freePort());
});
afterAll(async () => {
  await results.close();
  await sqs?.close();
});

const work = defineTask({
  name: 'gatej.work',
  input: z.object({ ms: z.number() }),
  timeoutMs: 60_000,
  handler: ({ ms }, ctx) =>
    new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => resolve('done'), ms);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(t);
        reject(ctx.signal.reason);
      });
    }),
});

it('sqs: a record whose job timeout no longer fits is handed back unrun, not cut short and charged an attempt', async () => {
  const dlq = await sqs.createQueue(`${RUN}-dlq`);
  const q = await sqs.createQueue(`${RUN}-q`, { deadLetterArn: dlq.arn, maxReceiveCount: 5 });
  const pub = createSqsPublisher({ client: sqs.client, queueUrls: { gatej: q.url } });
  const first = makeJob({ task: 'gatej.work', queue: 'gatej', input: { ms: 4000 }, maxAttempts: 3 });
  // Runs 5.5 s of its own 6 s: it fits in a fresh invocation of the Lambda below.
  const second = makeJob({
    task: 'gatej.work',
    queue: 'gatej',
    input: { ms: 5500 },
    maxAttempts: 3,
    timeoutMs: 6000,
  });
  await pub.publish('gatej', first);
  await pub.publish('gatej', second);
  const worker = createWorker({
    config: defineConfig({ tasks: [work] }),
    results,
    sqs: createLambdaRecordMapper({ client: sqs.client }),
    concurrency: 1, // one record after the other, as with a batch larger than the concurrency
  });
  // 11.5 s left (10 s after the settle reserve): the first run leaves ~6 s, more than the 5 s
  // floor but less than the second job's 6 s (+1 s).
  const r = await pollOnce(sqs, q, worker.sqsHandler, { remainingMs: 11_500 });
  expect(r!.event.Records.map((x) => JSON.parse(x.body).id)).toEqual([first.id, second.id]);
  expect((await results.get(first.id))?.state).toBe('succeeded');
  const rec = await results.get(second.id);
  expect({ state: rec?.state ?? 'queued', error: rec?.error?.type }).toEqual({
    state: 'queued',
    error: undefined,
  });
  const back = await sqs.receive(q.url, 1);
  expect(back.map((m) => (JSON.parse(m.Body!) as { id: string }).id)).toEqual([second.id]);
  await pub.close();
}, 30_000);
