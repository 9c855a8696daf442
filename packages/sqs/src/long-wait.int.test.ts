import {
  GetQueueAttributesCommand,
  type SendMessageCommand,
  type SendMessageCommandInput,
} from '@aws-sdk/client-sqs';
import type { Delivery, JobEnvelope } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsConsumer } from './consumer';
import { createSqsPublisher } from './publisher';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

// Waits longer than a visibility change can hide a message (12 h from its receive): the retry
// delay reaches 24 h (backoff maxMs, Retry-After), a lease-held defer the task's timeout.
const PORT = 26635;
const RUN = `fx-sqs-lw-${Date.now().toString(36)}`;
const HOURS_13 = 13 * 3_600_000;
let sqs: LocalSqs;
let n = 0;

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  await sqs?.close();
});

/**
 * Runs one delivery of a fresh job through the poll consumer and settles it with `settle`.
 * Returns the copies sent back to the queue (read off the client: a delayed message cannot be
 * received) and the queue's message count afterwards, hidden and delayed ones included.
 */
async function settleOnce(settle: (d: Delivery) => Promise<void>) {
  const name = `${RUN}-${n++}`;
  const dlq = await sqs.createQueue(`${name}-dlq`);
  const { url } = await sqs.createQueue(name, { deadLetterArn: dlq.arn, maxReceiveCount: 5 });
  const copies: SendMessageCommandInput[] = [];
  const client = sqs.client;
  const spy = {
    send: (cmd: SendMessageCommand) => {
      if (cmd.constructor.name === 'SendMessageCommand' && cmd.input.QueueUrl === url) copies.push(cmd.input);
      return client.send(cmd);
    },
  } as unknown as typeof client;
  const pub = createSqsPublisher({ client, queueUrls: { [name]: url } });
  await pub.publish(name, makeJob({ queue: name }));
  const consumer = createSqsConsumer({ client: spy, queueUrls: { [name]: url }, waitTimeS: 1 });
  let settledAt = 0;
  await consumer.consume(name, async (d) => {
    await settle(d);
    settledAt = Date.now();
  });
  await eventually(() => settledAt > 0, 10_000);
  await consumer.close();
  await pub.close();
  const attrs = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  // local-aws-sqs counts hidden messages in ApproximateNumberOfMessages, delayed ones apart.
  const held =
    Number(attrs.Attributes?.ApproximateNumberOfMessages) +
    Number(attrs.Attributes?.ApproximateNumberOfMessagesDelayed);
  return { copies, settledAt, held };
}

const envelope = (c: SendMessageCommandInput) => JSON.parse(c.MessageBody!) as JobEnvelope;

describe('waits longer than a visibility change can hold', () => {
  it('retry(13 h) leaves one message on the queue, due no sooner than 13 h, as attempt 2', async () => {
    let retriedAt = 0;
    const { copies, held } = await settleOnce(async (d) => {
      retriedAt = Date.now();
      await d.retry(HOURS_13);
    });
    // Hidden in place it would be shown again after 12 h and run an hour early.
    expect(held).toBe(1);
    expect(copies).toHaveLength(1);
    expect(Date.parse(envelope(copies[0]!).notBefore!)).toBeGreaterThanOrEqual(retriedAt + HOURS_13);
    expect(envelope(copies[0]!).attempt).toBe(2);
  });

  it('defer(13 h) of a job without notBefore leaves one message due no sooner, attempt kept', async () => {
    let deferredAt = 0;
    const { copies, held } = await settleOnce(async (d) => {
      deferredAt = Date.now();
      await d.defer!(HOURS_13);
    });
    expect(held).toBe(1);
    expect(copies).toHaveLength(1);
    expect(Date.parse(envelope(copies[0]!).notBefore!)).toBeGreaterThanOrEqual(deferredAt + HOURS_13);
    expect(envelope(copies[0]!).attempt).toBe(1);
  });
});
