import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { makeJob } from '@warren/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSqsPublisher } from './publisher';
import { QueueDirectory } from './queue-directory';
import { createSqsDelivery, type SqsContext } from './sqs-delivery';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

/**
 * SQS deletes a message at its queue's retention counted from its first send, hidden or not. A
 * retry hidden in place past that end was lost unseen (its record `retrying` for good): with up to
 * 12 h per receive, after 26 receives on the deploy plan's 14-day queues. Here the queue keeps
 * messages 60 s and the retry waits 2 min: it must become a fresh copy.
 */
const RUN = `h76ret-${Date.now().toString(36)}`;
let sqs: LocalSqs;
let ctx: SqsContext;
let n = 0;
beforeAll(async () => {
  sqs = await startLocalSqs(26979);
  ctx = { client: sqs.client, directory: new QueueDirectory(sqs.client) };
});
afterAll(async () => {
  await sqs?.close();
});

async function retried(fifo: boolean) {
  const name = `${RUN}-${n++}`;
  const Attributes: Record<string, string> = { MessageRetentionPeriod: '60' };
  if (fifo) Attributes.FifoQueue = 'true';
  const q = await sqs.client.send(
    new CreateQueueCommand({ QueueName: fifo ? `${name}.fifo` : name, Attributes }),
  );
  const url = q.QueueUrl!;
  const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [name]: url } });
  const job = makeJob({ queue: name, maxAttempts: 3 });
  await pub.publish(name, job);
  await pub.close();
  const [msg] = await sqs.receive(url, 1);
  const m = {
    queueUrl: url,
    messageId: msg!.MessageId!,
    receiptHandle: msg!.ReceiptHandle!,
    body: msg!.Body!,
    receiveCount: Number(msg!.Attributes?.ApproximateReceiveCount),
    groupId: msg!.Attributes?.MessageGroupId,
    sentAt: Number(msg!.Attributes?.SentTimestamp),
  };
  await createSqsDelivery(ctx, m, job, 'poll').retry(120_000);
  return { job, url };
}

it('standard queue: a retry that would come back past the retention is a delayed copy', async () => {
  const { url } = await retried(false);
  const out = await sqs.client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  expect(out.Attributes).toMatchObject({
    ApproximateNumberOfMessagesNotVisible: '0',
    ApproximateNumberOfMessagesDelayed: '1',
  });
});

it('FIFO queue: the copy is due in notBefore (no DelaySeconds there)', async () => {
  const { job, url } = await retried(true);
  const copies = await sqs.receive(url, 1);
  expect(copies.map((c) => JSON.parse(c.Body!))).toMatchObject([{ id: job.id, attempt: 2 }]);
  expect(Date.parse(JSON.parse(copies[0]!.Body!).notBefore)).toBeGreaterThan(Date.now() + 60_000);
});
