import type { Message } from '@aws-sdk/client-sqs';
import { makeJob } from '@warren/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSqsPublisher } from './publisher';
import { QueueDirectory } from './queue-directory';
import { createSqsDelivery, type SqsContext } from './sqs-delivery';
import type { ReceivedMessage } from './sqs-ops';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

/**
 * FIFO queues: what cannot be hidden in place goes back as a copy in the same message group. It
 * was always hidden in place: a retry past 11 h 45 came back early with its body unchanged (and
 * ran then), and a release on the queue's last receive went to the DLQ unrun on the next receive.
 */
const RUN = `h76fifo-${Date.now().toString(36)}`;
let sqs: LocalSqs;
let ctx: SqsContext;
let n = 0;
beforeAll(async () => {
  sqs = await startLocalSqs(26976);
  ctx = { client: sqs.client, directory: new QueueDirectory(sqs.client) };
});
afterAll(async () => {
  await sqs?.close();
});

async function received(maxReceiveCount: number, maxAttempts: number) {
  const name = `${RUN}-${n++}`;
  const dlq = await sqs.createQueue(`${name}-dlq.fifo`, { fifo: true });
  const q = await sqs.createQueue(`${name}.fifo`, { fifo: true, deadLetterArn: dlq.arn, maxReceiveCount });
  const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [name]: q.url } });
  const job = makeJob({ queue: name, maxAttempts });
  await pub.publish(name, job);
  await pub.close();
  const [msg] = await sqs.receive(q.url, 1);
  const m = toReceived(q.url, msg!);
  return { job, m, q, dlq, d: createSqsDelivery(ctx, m, job, 'poll', { maxReceiveCount }) };
}

const toReceived = (queueUrl: string, msg: Message): ReceivedMessage => ({
  queueUrl,
  messageId: msg.MessageId!,
  receiptHandle: msg.ReceiptHandle!,
  body: msg.Body!,
  receiveCount: Number(msg.Attributes?.ApproximateReceiveCount),
  groupId: msg.Attributes?.MessageGroupId,
});

it('a retry past 11 h 45 is a copy due then, in the same group, not deduplicated against the job id', async () => {
  const { job, m, q, d } = await received(5, 3);
  const before = Date.now();
  await d.retry(13 * 3_600_000);
  const copies = await sqs.receive(q.url, 1);
  expect(copies).toHaveLength(1);
  const copy = JSON.parse(copies[0]!.Body!);
  expect(copy).toMatchObject({ id: job.id, attempt: 2 });
  expect(Date.parse(copy.notBefore) - before).toBeGreaterThanOrEqual(13 * 3_600_000 - 1000);
  expect(copies[0]!.Attributes).toMatchObject({
    MessageGroupId: m.groupId,
    MessageDeduplicationId: m.messageId,
  });
  expect(m.messageId).not.toBe(job.id);
});

it("a release on the queue's last receive is a copy (attempt unspent), not the DLQ's", async () => {
  const { job, q, dlq, d } = await received(1, 3);
  await d.release();
  const copies = await sqs.receive(q.url, 1);
  expect(copies.map((c) => JSON.parse(c.Body!).id)).toEqual([job.id]);
  expect(copies[0]!.MessageAttributes?.['warren-handed-back']).toBeDefined();
  expect(await sqs.receive(dlq.url)).toEqual([]);
});
