import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { uuidv7 } from '@warren/core';
import { eventually, sleep } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createLambdaRecordMapper, createSqsPublisher } from '@warren/sqs';
import { type LocalSqs, startLocalSqs } from '@warren/sqs/testing';
import { createWorker } from '@warren/worker';
import type { SQSBatchResponse } from 'aws-lambda';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollOnce } from './support/sqs-event-source';
import { jobFor, workerTestConfig } from './support/tasks';

const PORT = 26610;
const RUN = `wsqs-${uuidv7().slice(-8)}`;
let sqs: LocalSqs;
const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });

async function queuePair(name: string, fifo = false, maxReceiveCount = 3) {
  const sfx = fifo ? '.fifo' : '';
  const dlq = await sqs.createQueue(`${RUN}-${name}-dlq${sfx}`, { fifo });
  const q = await sqs.createQueue(`${RUN}-${name}${sfx}`, {
    fifo,
    deadLetterArn: dlq.arn,
    maxReceiveCount,
    visibilityTimeoutS: 30,
  });
  return { q, dlq };
}

/** The queue's messages with their dead-letter reason (see LocalSqs.receive for `expected`). */
async function drain(url: string, expected = 0) {
  return (await sqs.receive(url, expected)).map((m) => ({
    body: m.Body!,
    reason: m.MessageAttributes?.['warren-reason']?.StringValue,
  }));
}

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  await results.close();
  await sqs?.close();
  // The records the run wrote (24 h TTL otherwise).
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const newWorker = () =>
  createWorker({
    config: workerTestConfig(),
    results,
    sqs: createLambdaRecordMapper({ client: sqs.client }),
    concurrency: 4,
  });

describe('worker.sqsHandler with real-shaped SQS events against local-aws-sqs', () => {
  it('a mixed batch: success, retryable, non-retryable, invalid input, not JSON; retries via visibility, redrive to the DLQ', async () => {
    const { q, dlq } = await queuePair('mixed');
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { mixed: q.url } });
    const jobs = {
      ok: jobFor('w.add', 'mixed', { a: 2, b: 3 }),
      flaky: jobFor('w.flaky', 'mixed', {}),
      never: jobFor('w.never', 'mixed', {}),
      fatal: jobFor('w.fatal', 'mixed', {}),
      invalid: jobFor('w.add', 'mixed', { a: 'two' }),
    };
    await Promise.all(Object.values(jobs).map((j) => pub.publish('mixed', j)));
    const raw = await sqs.client.send(
      new SendMessageCommand({ QueueUrl: q.url, MessageBody: '{"not": json' }),
    );
    const worker = newWorker();

    const first = await pollOnce(sqs, q, worker.sqsHandler);
    expect(first!.event.Records.length).toBe(6);
    const idOf = (jobId: string) => first!.event.Records.find((r) => r.body.includes(jobId))!.messageId;
    // Only the two retryable jobs come back, named by SQS message id (not job id).
    expect(new Set(first!.response.batchItemFailures.map((f) => f.itemIdentifier))).toEqual(
      new Set([idOf(jobs.flaky.id), idOf(jobs.never.id)]),
    );
    expect(first!.event.Records.map((r) => r.messageId)).toContain(raw.MessageId);
    expect((await results.get(jobs.ok.id))?.state).toBe('succeeded');
    expect((await results.get(jobs.ok.id))?.result).toBe(5);
    expect((await results.get(jobs.flaky.id))?.state).toBe('retrying');
    expect((await results.get(jobs.fatal.id))?.error?.type).toBe('NonRetriableError');
    expect((await results.get(jobs.invalid.id))?.error?.type).toBe('InvalidInput');

    // ChangeMessageVisibility set 1 s (the backoff), not the 30 s the batch was received with.
    await sleep(1300);
    const second = await pollOnce(sqs, q, worker.sqsHandler);
    expect(new Set(second!.event.Records.map((r) => r.messageId))).toEqual(
      new Set([idOf(jobs.flaky.id), idOf(jobs.never.id)]),
    );
    expect((await results.get(jobs.flaky.id))?.state).toBe('succeeded');

    // w.never: its last attempt is recorded failed and copied to the DLQ with the reason.
    await eventually(
      async () => {
        await pollOnce(sqs, q, worker.sqsHandler, { waitS: 0 });
        return (await results.get(jobs.never.id))?.state === 'failed';
      },
      15_000,
      200,
    );
    // Nothing left on the queue for SQS's redrive to move.
    await sleep(200);
    expect(await pollOnce(sqs, q, worker.sqsHandler, { waitS: 1 })).toBeUndefined();
    const dead = await drain(dlq.url, 4);
    const reasonOf = (needle: string) => dead.find((d) => d.body.includes(needle));
    expect(dead.length).toBe(4);
    expect(reasonOf(jobs.fatal.id)?.reason).toMatch(/non-retriable error: NonRetriableError: card declined/);
    expect(reasonOf(jobs.invalid.id)?.reason).toMatch(/invalid input: InvalidInput: a: /);
    expect(reasonOf('{"not": json')?.reason).toMatch(/not JSON/);
    expect(reasonOf(jobs.never.id)?.reason).toMatch(/failed after \d+ attempts: Error: never works/);
    expect(reasonOf(jobs.never.id)?.body).toBe(JSON.stringify(jobs.never));
    const never = await results.get(jobs.never.id);
    expect(never?.error?.message).toMatch(/never works/);
    expect(never?.attempts).toBeGreaterThanOrEqual(2);
    expect(await drain(q.url)).toEqual([]);
    await pub.close();
  });

  it('a duplicate delivery of a finished job is skipped and not reported', async () => {
    const { q } = await queuePair('dup');
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { dup: q.url } });
    const job = jobFor('w.add', 'dup', { a: 1, b: 1 });
    await pub.publish('dup', job);
    await pub.publish('dup', job); // at-least-once: the same job twice
    const seen: string[] = [];
    const w = createWorker({
      config: workerTestConfig(),
      results,
      sqs: createLambdaRecordMapper({ client: sqs.client }),
      concurrency: 1, // the copy arrives after the first finished (concurrent copies are deferred by the lease)
      onEvent: (e) => seen.push(e.type),
    });
    const r = await pollOnce(sqs, q, w.sqsHandler);
    expect(r!.response.batchItemFailures).toEqual([]);
    expect(seen.filter((t) => t === 'succeeded').length).toBe(1);
    expect(seen.filter((t) => t === 'skipped').length).toBe(1);
    expect((await results.get(job.id))?.result).toBe(2);
    await pub.close();
  });

  it('expired and cancelled jobs are recorded and skipped, not run and not reported', async () => {
    const { q } = await queuePair('skip');
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { skip: q.url } });
    const expired = jobFor(
      'w.add',
      'skip',
      { a: 1, b: 1 },
      { expiresAt: new Date(Date.now() - 1000).toISOString() },
    );
    const cancelled = jobFor('w.add', 'skip', { a: 2, b: 2 });
    await results.transition(cancelled.id, 'queued', { task: 'w.add', queue: 'skip' });
    await results.transition(cancelled.id, 'cancelled', {});
    await pub.publish('skip', expired);
    await pub.publish('skip', cancelled);
    const types: string[] = [];
    const w = createWorker({
      config: workerTestConfig(),
      results,
      sqs: createLambdaRecordMapper({ client: sqs.client }),
      onEvent: (e) => types.push(`${e.job.id === expired.id ? 'expired-job' : 'cancelled-job'}:${e.type}`),
    });
    const r = await pollOnce(sqs, q, w.sqsHandler);
    expect(r!.event.Records.length).toBe(2);
    expect(r!.response.batchItemFailures).toEqual([]);
    expect((await results.get(expired.id))?.state).toBe('expired');
    expect((await results.get(cancelled.id))?.state).toBe('cancelled');
    expect(types.sort()).toEqual(['cancelled-job:skipped', 'expired-job:expired']);
    await pub.close();
  });

  it('FIFO: stops at the first failure and reports it and everything after it', async () => {
    const { q } = await queuePair('fifo', true);
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { fifo: q.url } });
    const a = jobFor('w.add', 'fifo', { a: 1, b: 2 });
    const b = jobFor('w.flaky', 'fifo', {});
    const c = jobFor('w.add', 'fifo', { a: 3, b: 4 });
    for (const j of [a, b, c]) await pub.publish('fifo', j);
    const r = await pollOnce(sqs, q, newWorker().sqsHandler);
    const ids = r!.event.Records.map((x) => x.messageId);
    expect(r!.event.Records.map((x) => JSON.parse(x.body).id)).toEqual([a.id, b.id, c.id]);
    expect(r!.response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([ids[1], ids[2]]);
    expect((await results.get(a.id))?.state).toBe('succeeded');
    expect((await results.get(b.id))?.state).toBe('retrying');
    expect(await results.get(c.id)).toBeUndefined(); // never started
    await pub.close();
  });

  it("Lambda's remaining time cuts a long task short (timeout → retry) before the invocation dies", async () => {
    const { q } = await queuePair('deadline');
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { deadline: q.url } });
    const job = jobFor('w.slow', 'deadline', { ms: 20_000 });
    await pub.publish('deadline', job);
    const r = await pollOnce(sqs, q, newWorker().sqsHandler, { remainingMs: 3000 });
    const response: SQSBatchResponse = r!.response;
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([r!.event.Records[0]!.messageId]);
    const rec = await results.get(job.id);
    expect(rec?.state).toBe('retrying');
    expect(rec?.error?.type).toBe('TaskTimeoutError');
    expect(rec?.progress).toEqual({ started: true });
    await pub.close();
  });
});
