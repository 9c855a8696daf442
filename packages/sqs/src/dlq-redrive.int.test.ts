import {
  ChangeMessageVisibilityCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { createExecutor, defineConfig, defineTask, MemoryResultStore, NonRetriableError } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSqsConsumer } from './consumer';
import { createSqsPublisher } from './publisher';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

// What the README tells SQS users about re-running dead-lettered jobs (`warren dlq` is RabbitMQ's):
// SQS's own DLQ redrive (StartMessageMoveTask, the console) moves the same job back, and a worker
// sends a finished job's redelivery straight back to the DLQ while its record lives.
const PORT = 26657;
const RUN = `h57-redrive-${Date.now().toString(36)}`;
let sqs: LocalSqs;
let broken = true;
const runs: number[] = [];
const tasks = defineConfig({
  tasks: [
    defineTask({
      name: 'r.job',
      input: z.unknown(),
      retry: { maxAttempts: 1 },
      handler: () => {
        runs.push(1);
        if (broken) throw new NonRetriableError('broken for now');
        return 'ok';
      },
    }),
  ],
}).tasks;

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  await sqs?.close();
});

describe('SQS DLQ redrive (StartMessageMoveTask) of a warren job', () => {
  it('bounces back to the DLQ while the failed record lives; runs once the record is gone', async () => {
    const dlq = await sqs.createQueue(`${RUN}-dlq`);
    const q = await sqs.createQueue(RUN, { deadLetterArn: dlq.arn, maxReceiveCount: 3 });
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [RUN]: q.url } });
    const job = makeJob({ task: 'r.job', queue: RUN, maxAttempts: 1 });
    await pub.publish(RUN, job);
    const consumer = createSqsConsumer({ client: sqs.client, queueUrls: { [RUN]: q.url }, waitTimeS: 1 });
    let results = new MemoryResultStore();
    let executor = createExecutor({ tasks, results, workerId: 't', resultTtlS: 600 });
    const sub = await consumer.consume(RUN, async (d) => {
      await executor.execute(d);
    });
    await eventually(async () => (await results.get(job.id))?.state === 'failed', 10_000);

    const redrive = async () => {
      const [dead] = await sqs.receive(dlq.url, 1); // then visible again at once (below), to be moved
      expect(dead?.Body).toContain(job.id);
      await sqs.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: dlq.url,
          ReceiptHandle: dead!.ReceiptHandle!,
          VisibilityTimeout: 0,
        }),
      );
      await sqs.client.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: q.arn }));
      await eventually(async () => {
        const t = await sqs.client.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }));
        return t.Results?.[0]?.Status === 'COMPLETED';
      }, 10_000);
      return dead!;
    };

    const first = await redrive();
    expect(first.MessageAttributes?.['warren-reason']?.StringValue).toMatch(/broken for now/);
    broken = false; // the task works now, yet the redriven job does not run: its record says failed
    const [back] = await eventually(async () => {
      const m = await sqs.receive(dlq.url, 1);
      return m.length ? m : undefined;
    }, 15_000);
    expect(back!.MessageAttributes?.['warren-reason']?.StringValue).toMatch(
      /already failed; redelivered after its dead-lettering/,
    );
    expect(runs).toHaveLength(1);
    await sqs.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: dlq.url,
        ReceiptHandle: back!.ReceiptHandle!,
        VisibilityTimeout: 0,
      }),
    );

    // The record expired (results.ttlS after the failure): a redrive now runs the job, same id.
    results = new MemoryResultStore();
    executor = createExecutor({ tasks, results, workerId: 't', resultTtlS: 600 });
    await redrive();
    await eventually(async () => (await results.get(job.id))?.state === 'succeeded', 15_000);
    expect(runs).toHaveLength(2);
    await sub.close();
    await consumer.close();
    await pub.close();
  }, 60_000);
});
