import type { SQSClient } from '@aws-sdk/client-sqs';
import { parseEnvelope } from '@warren/core';
import type { SQSRecord } from 'aws-lambda';
import { QueueDirectory } from './queue-directory';
import { loadSqsSdk } from './sdk';
import {
  createBoundSqsDelivery,
  deadLetterMessage,
  type MessageInfo,
  type SqsBinding,
  type SqsContext,
  type SqsDelivery,
} from './sqs-delivery';
import { HANDED_BACK } from './sqs-ops';

export type RecordMapping =
  | { ok: true; delivery: SqsDelivery }
  /** The body is not a job envelope: dead-letter the record with `reason`. */
  | { ok: false; reason: string };

export interface LambdaRecordMapperOptions {
  /**
   * The SQS client. Default: `new SQSClient({})` (region and credentials from the Lambda
   * environment), made on the first record that needs SQS, so a cold start whose records all
   * succeed never loads @aws-sdk/client-sqs.
   */
  client?: SQSClient;
  onDrop?: SqsContext['onDrop'];
}

const isFifoArn = (arn: string | undefined) => arn?.endsWith('.fifo') === true;

const info = (record: SQSRecord): MessageInfo => ({
  messageId: record.messageId,
  receiveCount: Number(record.attributes?.ApproximateReceiveCount) || 1,
  handedBack: record.messageAttributes?.[HANDED_BACK] !== undefined,
});

/** The record's queue's redrive maxReceiveCount (cached per queue); undefined if unknown. */
async function maxReceiveCountOf(bind: SqsBinding): Promise<number | undefined> {
  try {
    const { ctx, message } = await bind();
    return (await ctx.directory.redrive(message.queueUrl))?.maxReceiveCount;
  } catch {
    return undefined; // best effort: SQS unreachable must not stop a job from running
  }
}

/**
 * What `createWorker({ sqs })` takes: record → delivery (lambda mode: acks are left to the event
 * source mapping), and dead-lettering of non-job bodies. The client, each record's queue URL and
 * its redrive policy (once per queue per process) are resolved for the first record received
 * again whose job could still retry (its last receive must be its last attempt, see
 * lastReceiveCap); a cold start that runs first receives only loads no SDK.
 */
export function createLambdaRecordMapper(opts: LambdaRecordMapperOptions = {}) {
  let ctx: Promise<SqsContext> | undefined;
  const context = () => {
    ctx ??= (async () => {
      const client = opts.client ?? new (await loadSqsSdk()).SQSClient({});
      return { client, directory: new QueueDirectory(client), onDrop: opts.onDrop };
    })().catch((err) => {
      ctx = undefined; // retried on the next record that needs it
      throw err;
    });
    return ctx;
  };
  const bind =
    (record: SQSRecord): SqsBinding =>
    async () => {
      const c = await context();
      const message = {
        ...info(record),
        queueUrl: await c.directory.urlForArn(record.eventSourceARN),
        receiptHandle: record.receiptHandle,
        body: record.body,
        groupId: record.attributes?.MessageGroupId,
        sentAt: Number(record.attributes?.SentTimestamp) || undefined,
      };
      return { ctx: c, message };
    };
  return {
    map: async (record: SQSRecord): Promise<RecordMapping> => {
      const parsed = parseEnvelope(record.body);
      if (!parsed.ok) return { ok: false, reason: parsed.reason };
      const i = info(record);
      const job = parsed.job;
      // Whether this receive is the queue's last matters only while the job could still retry.
      // On a standard queue, only from the second receive: a retry on a first receive that was
      // also the last becomes a fresh copy (see retry), so skipping the lookup keeps the SQS SDK
      // out of a cold start that only runs fresh jobs. On a FIFO queue a copy goes to the
      // end of its message group, so there the job must know from the first receive
      // (maxReceiveCount 1 with a job enqueued with more attempts than its task's).
      const couldRetry =
        (i.receiveCount > 1 || isFifoArn(record.eventSourceARN)) &&
        job.attempt - 1 + i.receiveCount < job.maxAttempts;
      const maxReceiveCount = couldRetry ? await maxReceiveCountOf(bind(record)) : undefined;
      return {
        ok: true,
        delivery: createBoundSqsDelivery(i, bind(record), job, 'lambda', { maxReceiveCount }),
      };
    },
    /** Whether this is the queue's last receive of the record (its redrive's maxReceiveCount). */
    lastReceive: async (record: SQSRecord) =>
      info(record).receiveCount >= ((await maxReceiveCountOf(bind(record))) ?? Number.POSITIVE_INFINITY),
    deadLetter: async (record: SQSRecord, reason: string) => {
      const { ctx: c, message } = await bind(record)();
      return deadLetterMessage(c, message, reason, 'lambda');
    },
  };
}
