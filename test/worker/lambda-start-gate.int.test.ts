import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createLambdaRecordMapper, createSqsPublisher } from '@warren/sqs';
import { type LocalSqs, startLocalSqs } from '@warren/sqs/testing';
import { createWorker } from '@warren/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pollOnce } from './support/sqs-event-source';

const PORT = 26612;
const RUN = `wgate-${uuidv7().slice(-8)}`;
let sqs: LocalSqs;
const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  await results.close();
  await sqs?.close();
});

// Runs 6.5 s of its 9 s timeout: it fits in a fresh invocation of the Lambda below.
const work = defineTask({
  name: 'gate.work',
  input: z.object({ ms: z.number() }),
  timeoutMs: 9000,
  handler: ({ ms }, ctx) =>
    new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => resolve('done'), ms);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(t);
        reject(ctx.signal.reason);
      });
    }),
});

describe('Lambda handlers start a record only while its task timeout still fits', () => {
  it('sqs: the second record of a batch is handed back unrun, not cut short and charged an attempt', async () => {
    const dlq = await sqs.createQueue(`${RUN}-dlq`);
    const q = await sqs.createQueue(`${RUN}-q`, { deadLetterArn: dlq.arn, maxReceiveCount: 5 });
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { gate: q.url } });
    const jobs = [1, 2].map(() =>
      makeJob({ task: 'gate.work', queue: 'gate', input: { ms: 6500 }, maxAttempts: 3 }),
    );
    for (const j of jobs) await pub.publish('gate', j);
    const worker = createWorker({
      config: defineConfig({ tasks: [work] }),
      results,
      sqs: createLambdaRecordMapper({ client: sqs.client }),
      concurrency: 1, // one record after the other, as with a batch larger than the concurrency
    });
    // 15 s left (13.5 s after the settle reserve): the first run leaves ~7 s, less than the 9 s
    // (+1 s) the second's task may take, though more than the 6 s floor for an unknown task.
    const r = await pollOnce(sqs, q, worker.sqsHandler, { remainingMs: 15_000 });
    expect(r!.event.Records.length).toBe(2);
    const byJob = (id: string) => r!.event.Records.find((x) => x.body.includes(id))!.messageId;
    const [first, second] = r!.event.Records.map((x) => jobs.find((j) => x.body.includes(j.id))!);
    expect((await results.get(first!.id))?.state).toBe('succeeded');
    const rec = await results.get(second!.id);
    // Not run: no attempt spent, no TaskTimeoutError; back on the queue (reported, or re-sent by
    // the mapper as a fresh copy and the original deleted), at once.
    expect({ state: rec?.state ?? 'queued', error: rec?.error?.type }).toEqual({
      state: 'queued',
      error: undefined,
    });
    const failed = r!.response.batchItemFailures.map((f) => f.itemIdentifier);
    expect(failed.filter((id) => id !== byJob(second!.id))).toEqual([]);
    const back = await sqs.receive(q.url, 1);
    expect(back.map((m) => (JSON.parse(m.Body!) as { id: string }).id)).toEqual([second!.id]);
    await pub.close();
  }, 40_000);
});
