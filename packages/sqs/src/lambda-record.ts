import { parseEnvelope } from '@warren/core';
import type { SQSRecord } from 'aws-lambda';
import { createSqsDelivery, type SqsContext, type SqsDelivery } from './sqs-delivery';
import type { ReceivedMessage } from './sqs-ops';

export type RecordMapping =
  | { ok: true; delivery: SqsDelivery }
  /** The body is not a job envelope: dead-letter `message` with `reason`. */
  | { ok: false; reason: string; message: ReceivedMessage };

/** Maps a Lambda SQS event record to a Delivery (lambda mode: acks are left to the event source mapping). */
export async function sqsRecordToDelivery(record: SQSRecord, ctx: SqsContext): Promise<RecordMapping> {
  const message: ReceivedMessage = {
    queueUrl: await ctx.directory.urlForArn(record.eventSourceARN),
    messageId: record.messageId,
    receiptHandle: record.receiptHandle,
    body: record.body,
    receiveCount: Number(record.attributes?.ApproximateReceiveCount) || 1,
  };
  const parsed = parseEnvelope(record.body);
  if (!parsed.ok) return { ok: false, reason: parsed.reason, message };
  return { ok: true, delivery: createSqsDelivery(ctx, message, parsed.job, 'lambda') };
}
