import {
  DeleteMessageBatchCommand,
  type QueueAttributeName,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import type { LocalSqs } from '@warren/sqs/testing';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * What Lambda's SQS event source mapping does, against a real SQS API: receive a batch, build the
 * SQSEvent exactly as Lambda shapes it, invoke, then delete every record not listed in
 * `batchItemFailures`. (The real mapping cannot run here: AWS is not reachable.)
 */
export async function pollOnce(
  sqs: LocalSqs,
  queue: { url: string; arn: string },
  handler: (event: SQSEvent, ctx: { getRemainingTimeInMillis(): number }) => Promise<SQSBatchResponse>,
  opts: { visibilityTimeoutS?: number; remainingMs?: number; waitS?: number } = {},
): Promise<{ event: SQSEvent; response: SQSBatchResponse } | undefined> {
  const out = await sqs.client.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: opts.waitS ?? 1,
      VisibilityTimeout: opts.visibilityTimeoutS ?? 30,
      AttributeNames: ['All' as QueueAttributeName],
      MessageAttributeNames: ['All'],
    }),
  );
  if (!out.Messages?.length) return undefined;
  const event: SQSEvent = {
    Records: out.Messages.map(
      (m): SQSRecord => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body ?? '',
        attributes: {
          ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
          SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
          SenderId: m.Attributes?.SenderId ?? 'AIDAEXAMPLE',
          ApproximateFirstReceiveTimestamp:
            m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
          ...(m.Attributes?.MessageGroupId
            ? {
                MessageGroupId: m.Attributes.MessageGroupId,
                MessageDeduplicationId: m.Attributes.MessageDeduplicationId,
                SequenceNumber: m.Attributes.SequenceNumber,
              }
            : {}),
        },
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        awsRegion: 'us-east-1',
      }),
    ),
  };
  const remaining = opts.remainingMs ?? 60_000;
  const until = Date.now() + remaining;
  const response = await handler(event, { getRemainingTimeInMillis: () => until - Date.now() });
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const done = event.Records.filter((r) => !failed.has(r.messageId));
  if (done.length) {
    await sqs.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
      }),
    );
  }
  return { event, response };
}
