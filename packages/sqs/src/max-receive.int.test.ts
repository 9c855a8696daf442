import { DeleteMessageCommand, type QueueAttributeName, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createExecutor, defineConfig, defineTask, MemoryResultStore } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSqsConsumer } from './consumer';
import { createLambdaRecordMapper } from './lambda-record';
import { createSqsPublisher } from './publisher';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

// A job may allow more attempts (up to 1000 per enqueue) than its queue's redrive maxReceiveCount:
// the receive at maxReceiveCount is the last SQS gives, so it must be the job's last attempt.
const PORT = 26632;
const RUN = `fx-sqs-mrc-${Date.now().toString(36)}`;
let sqs: LocalSqs;
let n = 0;

const tasks = defineConfig({
  tasks: [
    defineTask({
      name: 'm.never',
      input: z.unknown(),
      retry: { maxAttempts: 3, backoff: { kind: 'fixed', baseMs: 200, jitter: false } },
      handler: () => {
        throw new Error('never works');
      },
    }),
  ],
}).tasks;

// local-aws-sqs counts a ChangeMessageVisibility as a receive, so a retry there shows the next
// receive count at +2 (AWS: +1). maxReceiveCount 3 gives receive counts 1, then 3 (the last).
async function queuePair() {
  const name = `${RUN}-${n++}`;
  const dlq = await sqs.createQueue(`${name}-dlq`);
  const q = await sqs.createQueue(name, {
    deadLetterArn: dlq.arn,
    maxReceiveCount: 3,
    visibilityTimeoutS: 30,
  });
  return { name, q, dlq };
}

const setup = () => {
  const results = new MemoryResultStore();
  const executor = createExecutor({ tasks, results, workerId: 't', resultTtlS: 60 });
  return { results, executor };
};

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  await sqs?.close();
});

describe('attempts beyond the queue maxReceiveCount', () => {
  it('poll consumer: the receive at maxReceiveCount is the last attempt: record failed, message dead-lettered', async () => {
    const { name, q, dlq } = await queuePair();
    const { results, executor } = setup();
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [name]: q.url } });
    const job = makeJob({
      task: 'm.never',
      queue: name,
      maxAttempts: 10,
      backoff: tasks.get('m.never')!.retry.backoff,
    });
    await pub.publish(name, job);
    const consumer = createSqsConsumer({ client: sqs.client, queueUrls: { [name]: q.url }, waitTimeS: 1 });
    const attempts: number[] = [];
    const sub = await consumer.consume(name, async (d) => {
      attempts.push(d.attempt);
      await executor.execute(d);
    });
    await eventually(async () => (await results.get(job.id))?.state === 'failed', 10_000);
    await sub.close();
    await consumer.close();
    expect(attempts).toEqual([1, 3]);
    const dead = await sqs.receive(dlq.url, 1);
    expect(dead.map((m) => m.Body)).toEqual([JSON.stringify(job)]);
    expect(dead[0]!.MessageAttributes?.['warren-reason']?.StringValue).toMatch(/never works/);
    await pub.close();
  });

  it('Lambda records: the last receive is recorded failed and dead-lettered with its reason', async () => {
    const { name, q, dlq } = await queuePair();
    const { results, executor } = setup();
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [name]: q.url } });
    const job = makeJob({
      task: 'm.never',
      queue: name,
      maxAttempts: 10,
      backoff: tasks.get('m.never')!.retry.backoff,
    });
    await pub.publish(name, job);
    const mapper = createLambdaRecordMapper({ client: sqs.client });
    const counts: number[] = [];
    // What the event source mapping does: receive, invoke, delete what is not reported.
    for (let i = 0; i < 10 && (await results.get(job.id))?.state !== 'failed'; i++) {
      const out = await sqs.client.send(
        new ReceiveMessageCommand({
          QueueUrl: q.url,
          WaitTimeSeconds: 1,
          AttributeNames: ['All' as QueueAttributeName],
        }),
      );
      for (const m of out.Messages ?? []) {
        counts.push(Number(m.Attributes?.ApproximateReceiveCount));
        const record = {
          messageId: m.MessageId!,
          receiptHandle: m.ReceiptHandle!,
          body: m.Body!,
          attributes: { ApproximateReceiveCount: m.Attributes!.ApproximateReceiveCount! },
          eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${name}`,
        } as SQSRecord;
        const mapped = await mapper.map(record);
        if (!mapped.ok) throw new Error(mapped.reason);
        await executor.execute(mapped.delivery);
        if (!mapped.delivery.keep) {
          await sqs.client.send(
            new DeleteMessageCommand({ QueueUrl: q.url, ReceiptHandle: m.ReceiptHandle! }),
          );
        }
      }
    }
    expect(counts).toEqual([1, 3]);
    expect((await results.get(job.id))?.state).toBe('failed');
    // Copied to the DLQ with the reason, as on any other receive (SQS's own redrive says no why).
    const dead = await sqs.receive(dlq.url, 1);
    expect(dead.map((m) => m.Body)).toEqual([JSON.stringify(job)]);
    expect(dead[0]!.MessageAttributes?.['warren-reason']?.StringValue).toMatch(/never works/);
    expect(await sqs.receive(q.url)).toEqual([]);
    await pub.close();
  });

  it("Lambda: a retry on a first receive that is also the queue's last is a fresh copy, not lost to the redrive", async () => {
    // maxReceiveCount 1: the queue's tasks do not retry, but this job was enqueued with
    // maxAttempts 3. The mapper does not look the redrive up on a first receive (cold start).
    const name = `${RUN}-${n++}`;
    const dlq = await sqs.createQueue(`${name}-dlq`);
    const q = await sqs.createQueue(name, {
      deadLetterArn: dlq.arn,
      maxReceiveCount: 1,
      visibilityTimeoutS: 30,
    });
    const { results, executor } = setup();
    const job = makeJob({
      task: 'm.never',
      queue: name,
      maxAttempts: 3,
      backoff: tasks.get('m.never')!.retry.backoff,
    });
    await createSqsPublisher({ client: sqs.client, queueUrls: { [name]: q.url } }).publish(name, job);
    const mapper = createLambdaRecordMapper({ client: sqs.client });
    const attempts: number[] = [];
    for (let i = 0; i < 12 && (await results.get(job.id))?.state !== 'failed'; i++) {
      const out = await sqs.client.send(
        new ReceiveMessageCommand({
          QueueUrl: q.url,
          WaitTimeSeconds: 1,
          AttributeNames: ['All' as QueueAttributeName],
        }),
      );
      for (const m of out.Messages ?? []) {
        const mapped = await mapper.map({
          messageId: m.MessageId!,
          receiptHandle: m.ReceiptHandle!,
          body: m.Body!,
          attributes: { ApproximateReceiveCount: m.Attributes!.ApproximateReceiveCount! },
          eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${name}`,
        } as SQSRecord);
        if (!mapped.ok) throw new Error(mapped.reason);
        attempts.push(mapped.delivery.attempt);
        await executor.execute(mapped.delivery);
        if (!mapped.delivery.keep) {
          await sqs.client.send(
            new DeleteMessageCommand({ QueueUrl: q.url, ReceiptHandle: m.ReceiptHandle! }),
          );
        }
      }
    }
    // Every attempt the job allows ran; the last failure is dead-lettered with its reason.
    expect(attempts).toEqual([1, 2, 3]);
    expect((await results.get(job.id))?.state).toBe('failed');
    const dead = await sqs.receive(dlq.url, 1);
    expect(dead.map((m) => m.MessageAttributes?.['warren-reason']?.StringValue)).toEqual([
      expect.stringMatching(/never works/),
    ]);
  });

  it("Lambda, FIFO: a first receive that is also the queue's last is the job's last attempt (a copy would lose its place)", async () => {
    const name = `${RUN}-${n++}`;
    const dlq = await sqs.createQueue(`${name}-dlq.fifo`, { fifo: true });
    const q = await sqs.createQueue(`${name}.fifo`, {
      fifo: true,
      deadLetterArn: dlq.arn,
      maxReceiveCount: 1,
      visibilityTimeoutS: 30,
    });
    const { results, executor } = setup();
    const job = makeJob({
      task: 'm.never',
      queue: name,
      maxAttempts: 3,
      backoff: tasks.get('m.never')!.retry.backoff,
    });
    await createSqsPublisher({ client: sqs.client, queueUrls: { [name]: q.url } }).publish(name, job);
    const [m] = await sqs.receive(q.url, 1);
    const mapper = createLambdaRecordMapper({ client: sqs.client });
    const mapped = await mapper.map({
      messageId: m!.MessageId!,
      receiptHandle: m!.ReceiptHandle!,
      body: m!.Body!,
      attributes: { ApproximateReceiveCount: m!.Attributes!.ApproximateReceiveCount! },
      eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${name}.fifo`,
    } as SQSRecord);
    if (!mapped.ok) throw new Error(mapped.reason);
    await executor.execute(mapped.delivery);
    // Retried, SQS's redrive would have moved it to the DLQ unrun, its record `retrying` for good.
    expect((await results.get(job.id))?.state).toBe('failed');
    expect(mapped.delivery.keep).toBe(false);
    const dead = await sqs.receive(dlq.url, 1);
    expect(dead.map((d) => d.MessageAttributes?.['warren-reason']?.StringValue)).toEqual([
      expect.stringMatching(/never works/),
    ]);
  });

  it('a job handed back unrun on the last receive is sent again as a fresh message, not left to the redrive', async () => {
    const name = `${RUN}-${n++}`;
    const dlq = await sqs.createQueue(`${name}-dlq`);
    const q = await sqs.createQueue(name, {
      deadLetterArn: dlq.arn,
      maxReceiveCount: 1,
      visibilityTimeoutS: 30,
    });
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [name]: q.url } });
    // Poll: not due at its first (and last) receive.
    const job = makeJob({ queue: name, notBefore: new Date(Date.now() + 1500).toISOString() });
    await pub.publish(name, job);
    const consumer = createSqsConsumer({ client: sqs.client, queueUrls: { [name]: q.url }, waitTimeS: 1 });
    const seen: string[] = [];
    const sub = await consumer.consume(name, async (d) => {
      seen.push(d.job.id);
      await d.ack();
    });
    await eventually(() => seen.length === 1, 10_000);
    await sub.close();
    await consumer.close();
    expect(seen).toEqual([job.id]);
    // Lambda: a record handed back (no time left) on its last receive. Another queue: the
    // closed consumer's long poll may still be pending in local-aws-sqs and take the message.
    const name2 = `${RUN}-${n++}`;
    const q2 = await sqs.createQueue(name2, {
      deadLetterArn: dlq.arn,
      maxReceiveCount: 1,
      visibilityTimeoutS: 30,
    });
    const other = makeJob({ queue: name2, attempt: 2, maxAttempts: 5 });
    await createSqsPublisher({ client: sqs.client, queueUrls: { [name2]: q2.url } }).publish(name2, other);
    const [m] = await sqs.receive(q2.url, 1);
    const mapper = createLambdaRecordMapper({ client: sqs.client });
    const mapped = await mapper.map({
      messageId: m!.MessageId!,
      receiptHandle: m!.ReceiptHandle!,
      body: m!.Body!,
      attributes: { ApproximateReceiveCount: m!.Attributes!.ApproximateReceiveCount! },
      eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${name2}`,
    } as SQSRecord);
    if (!mapped.ok) throw new Error(mapped.reason);
    await mapped.delivery.defer(0);
    expect(mapped.delivery.keep).toBe(false); // the event source mapping deletes the original
    await sqs.client.send(new DeleteMessageCommand({ QueueUrl: q2.url, ReceiptHandle: m!.ReceiptHandle! }));
    const again = await sqs.receive(q2.url, 1);
    // The copy keeps the attempt it did not spend (2), so it is not granted one more.
    expect(again.map((x) => JSON.parse(x.Body!))).toEqual([{ ...other, attempt: 2 }]);
    expect(await sqs.receive(dlq.url)).toEqual([]);
    await pub.close();
  });
});
