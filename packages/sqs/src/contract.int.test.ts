import {
  DeleteMessageBatchCommand,
  type Message,
  type QueueAttributeName,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { brokerContract } from '@warren/core/testing';
import { createSqsConsumer } from './consumer';
import { createSqsPublisher } from './publisher';
import { startLocalSqs } from './testing/local-sqs';

const PORT = 26634;
const RUN = `ct-sqs-${Date.now().toString(36)}`;

/**
 * The core Publisher/Consumer contract against the SQS adapter on local-aws-sqs (in process).
 * attemptCountsReceives: the attempt is ApproximateReceiveCount (see createSqsDelivery); the
 * local server also counts a ChangeMessageVisibility as a receive, so a retry shows +2 there.
 */
brokerContract(
  'sqs',
  async () => {
    const sqs = await startLocalSqs(PORT);
    const urls: Record<string, string> = {};
    // Reasons already read off each DLQ: reading takes a message, so they are kept here.
    const reasons = new Map<string, string[]>();
    // waitTimeS 1: local-aws-sqs answers a long poll only when full or at its end.
    const consumer = createSqsConsumer({ client: sqs.client, queueUrls: urls, waitTimeS: 1 });
    const publisher = createSqsPublisher({ client: sqs.client, queueUrls: urls });
    let n = 0;
    return {
      publisher,
      consumer,
      freshQueue: async () => {
        const q = `${RUN}-${n++}`;
        const dlq = await sqs.createQueue(`${q}-dlq`);
        urls[q] = (await sqs.createQueue(q, { deadLetterArn: dlq.arn, maxReceiveCount: 10 })).url;
        urls[`${q}.dlq`] = dlq.url;
        return q;
      },
      publishRaw: async (queue, body) => {
        await sqs.client.send(new SendMessageCommand({ QueueUrl: urls[queue], MessageBody: body }));
      },
      deadLetterReasons: async (queue) => {
        const url = urls[`${queue}.dlq`]!;
        const seen = reasons.get(queue) ?? [];
        reasons.set(queue, seen);
        const got = await receiveDlq(sqs.client, url);
        seen.push(...got.map((m) => m.MessageAttributes?.['warren-reason']?.StringValue ?? '(no reason)'));
        return [...seen];
      },
      close: async () => {
        await consumer.close();
        await publisher.close();
        await sqs.close();
      },
    };
  },
  { settleMs: 500 },
  { attemptCountsReceives: true, noQueueLimitsOrPriorities: true },
);

/** Takes what the DLQ holds now, oldest first (by SentTimestamp), deleting it. */
async function receiveDlq(client: SQSClient, url: string): Promise<Message[]> {
  const r = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageAttributeNames: ['All'],
      AttributeNames: ['All' as QueueAttributeName],
    }),
  );
  const msgs = (r.Messages ?? []).sort(
    (a, b) => Number(a.Attributes?.SentTimestamp) - Number(b.Attributes?.SentTimestamp),
  );
  if (msgs.length) {
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
  return msgs;
}
