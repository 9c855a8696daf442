import type { SQSClient } from '@aws-sdk/client-sqs';
import { parseEnvelope } from '@warren/core';
import type { SQSRecord } from 'aws-lambda';
import { QueueDirectory } from './queue-directory';
import { createSqsDelivery, deadLetterMessage, type SqsContext, type SqsDelivery } from './sqs-delivery';
import type { ReceivedMessage } from './sqs-ops';

export type RecordMapping =
  | { ok: true; delivery: SqsDelivery }
  /** The body is not a job envelope: dead-letter `message` with `reason`. */
  | { ok: false; reason: string; message: ReceivedMessage };

async function toMessage(record: SQSRecord, ctx: SqsContext): Promise<ReceivedMessage> {
  return {
    queueUrl: await ctx.directory.urlForArn(record.eventSourceARN),
    messageId: record.messageId,
    receiptHandle: record.receiptHandle,
    body: record.body,
    receiveCount: Number(record.attributes?.ApproximateReceiveCount) || 1,
  };
}

/** Maps a Lambda SQS event record to a Delivery (lambda mode: acks are left to the event source mapping). */
export async function sqsRecordToDelivery(record: SQSRecord, ctx: SqsContext): Promise<RecordMapping> {
  const message = await toMessage(record, ctx);
  const parsed = parseEnvelope(record.body);
  if (!parsed.ok) return { ok: false, reason: parsed.reason, message };
  return { ok: true, delivery: createSqsDelivery(ctx, message, parsed.job, 'lambda') };
}

export interface LambdaRecordMapperOptions {
  client: SQSClient;
  onDrop?: SqsContext['onDrop'];
}

/** What `createWorker({ sqs })` takes: record → delivery, and dead-lettering of non-job bodies. */
export function createLambdaRecordMapper(opts: LambdaRecordMapperOptions) {
  const ctx: SqsContext = {
    client: opts.client,
    directory: new QueueDirectory(opts.client),
    onDrop: opts.onDrop,
  };
  return {
    ctx,
    map: (record: SQSRecord) => sqsRecordToDelivery(record, ctx),
    deadLetter: async (record: SQSRecord, reason: string) =>
      deadLetterMessage(ctx, await toMessage(record, ctx), reason, 'lambda'),
  };
}
