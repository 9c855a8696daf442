import { InvalidMessageContents, type MessageAttributeValue, SendMessageCommand } from '@aws-sdk/client-sqs';
import { defineConfig, defineTask, NonRetriableError, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createSqsConsumer, createSqsPublisher } from '@warren/sqs';
import { createWorker } from '@warren/worker';
import { beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { localSqsForRun } from '../support/local-sqs-run';

/**
 * A dead letter's reason carries the task's error, whose text may hold characters SQS refuses in a
 * message attribute (the W3C XML set: AWS API reference, MessageAttributeValue, 'the same
 * restrictions on the content as the message body'; SendMessage refuses a body outside it with
 * InvalidMessageContents): JSON.parse of binary data throws "Unexpected token '\0'" with the NUL
 * itself. local-aws-sqs checks no characters, so its client is wrapped to refuse such a SendMessage
 * as AWS does; every call still goes to the real local queue. Real Redis (:6379) for the records.
 */
const RUN = `sqsrc-${uuidv7().slice(-8)}`;
const REDIS_URL = 'redis://127.0.0.1:6379';
const SQS_CHARS = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;
const local = localSqsForRun(RUN, REDIS_URL);

beforeAll(async () => {
  const { sqs } = local;
  const send = sqs.client.send.bind(sqs.client) as (cmd: unknown) => Promise<unknown>;
  sqs.client.send = ((cmd: unknown) => {
    const attrs: Record<string, MessageAttributeValue> =
      cmd instanceof SendMessageCommand ? (cmd.input.MessageAttributes ?? {}) : {};
    if (Object.values(attrs).some((v) => !SQS_CHARS.test(v.StringValue ?? '')))
      return Promise.reject(
        new InvalidMessageContents({
          message: 'Invalid characters found.',
          $metadata: { httpStatusCode: 400 },
        }),
      );
    return send(cmd);
  }) as typeof sqs.client.send;
});

it('a task error holding characters SQS refuses reaches the DLQ with its reason, those written as escapes', async () => {
  let runs = 0;
  const task = defineTask({
    name: 'sqsrc.parse',
    input: z.object({ raw: z.string() }),
    queue: RUN,
    handler: ({ raw }) => {
      runs++;
      try {
        return JSON.parse(raw) as unknown;
      } catch (err) {
        throw new NonRetriableError(`bad payload \ufffe: ${(err as Error).message}`);
      }
    },
  });
  const dlq = await local.sqs.createQueue(`${RUN}-dlq`);
  const q = await local.sqs.createQueue(RUN, {
    deadLetterArn: dlq.arn,
    maxReceiveCount: 5,
    visibilityTimeoutS: 30,
  });
  const queueUrls = { [RUN]: q.url };
  const results = createRedisResultStore({ redis: REDIS_URL, prefix: `${RUN}:` });
  const consumer = createSqsConsumer({ client: local.sqs.client, queueUrls, waitTimeS: 1 });
  const worker = createWorker({ config: defineConfig({ tasks: [task] }), consumer, results, queues: [RUN] });
  const pub = createSqsPublisher({ client: local.sqs.client, queueUrls });
  try {
    await worker.start();
    const job = makeJob({ task: 'sqsrc.parse', queue: RUN, input: { raw: '\u0000\u0007abc' } });
    await pub.publish(RUN, job);
    const dead = await eventually(async () => {
      const r = await local.sqs.receive(dlq.url, 1);
      return r.length === 1 ? r : undefined;
    }, 15_000);
    const reason = dead[0]!.MessageAttributes?.['warren-reason']?.StringValue ?? '(none)';
    expect(reason).toMatch(SQS_CHARS);
    expect(reason).toContain(
      String.raw`bad payload \ufffe: Unexpected token '\u0000', "\u0000\u0007abc" is not valid JSON`,
    );
    const rec = await results.get(job.id);
    expect(rec?.state).toBe('failed');
    // The record keeps the error as the task threw it.
    expect(rec?.error?.message).toContain('\u0000\u0007abc');
    expect(runs).toBe(1);
  } finally {
    await worker.stop(2000);
    await pub.close();
    await results.close();
  }
}, 30_000);
