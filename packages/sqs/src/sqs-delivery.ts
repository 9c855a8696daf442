import type { SQSClient } from '@aws-sdk/client-sqs';
import { type Delivery, type JobEnvelope, msUntil } from '@warren/core';
import { deferMessage } from './defer-message';
import { MAX_DELAY_S } from './limits';
import type { QueueDirectory } from './queue-directory';
import { outlivesRetention } from './retention';
import { deleteMessage, maxHideMs, type ReceivedMessage, sendToDeadLetter, setVisibility } from './sqs-ops';

/**
 * `lambda`: the event source mapping deletes every record not reported in `batchItemFailures`,
 * so ack is free and "keep" means "report it". `poll`: this process owns the message and
 * deletes or re-shows it itself.
 */
export type SqsMode = 'lambda' | 'poll';

export interface SqsContext {
  client: SQSClient;
  directory: QueueDirectory;
  /** Called when a message is dropped because its queue has no dead-letter queue. */
  onDrop?: (message: ReceivedMessage, reason: string) => void;
}

/**
 * The full message (its queue URL) and the context to act on it. The Lambda mapper resolves
 * both on the first SQS call only (loading the SDK, looking the queue URL up), so records that
 * succeed cost no SQS request and no SDK load.
 */
export type SqsBinding = () => Promise<{ ctx: SqsContext; message: ReceivedMessage }>;

/** What is known of a message without asking SQS. */
export type MessageInfo = Pick<ReceivedMessage, 'messageId' | 'receiveCount' | 'handedBack'>;

export type Settlement = 'ack' | 'retry' | 'dead-letter' | 'release';

export interface SqsDelivery extends Delivery {
  readonly messageId: string;
  /** How the executor settled it (undefined: not settled). */
  readonly settlement: Settlement | undefined;
  /** Lambda mode: the record must be listed in `batchItemFailures`. */
  readonly keep: boolean;
  /**
   * Gives the message back unrun (not due yet, or no time left to run it), to be received again
   * after `delayMs`: a fresh copy (then not `keep`) or a visibility change; see deferMessage.
   */
  defer(delayMs: number): Promise<void>;
}

export interface DeliveryExtras {
  /** The queue's redrive maxReceiveCount, when known: see lastReceiveCap. */
  maxReceiveCount?: number;
  /** Awaited before any settling call to SQS (the poll consumer stops its heartbeat here). */
  beforeSettle?: () => Promise<void>;
}

/**
 * A Delivery over one SQS message. The attempt is derived from SQS's ApproximateReceiveCount
 * (authoritative: a retry re-shows the same message rather than publishing a copy), offset by
 * the attempt the envelope arrived with (jobs forwarded from RabbitMQ may have used some).
 */
export function createSqsDelivery(
  ctx: SqsContext,
  message: ReceivedMessage,
  job: JobEnvelope,
  mode: SqsMode,
  extra: DeliveryExtras = {},
): SqsDelivery {
  return createBoundSqsDelivery(message, async () => ({ ctx, message }), job, mode, extra);
}

/** `createSqsDelivery` with the context and the message resolved by `bind` when SQS is first called. */
export function createBoundSqsDelivery(
  message: MessageInfo,
  bind: SqsBinding,
  job: JobEnvelope,
  mode: SqsMode,
  extra: DeliveryExtras = {},
): SqsDelivery {
  const attempt = job.attempt - 1 + Math.max(1, message.receiveCount);
  let settlement: Settlement | undefined;
  let keep = false;
  const settle = async (s: Settlement) => {
    if (settlement) throw new Error(`SQS message ${message.messageId} already settled (${settlement})`);
    settlement = s;
    await extra.beforeSettle?.();
  };
  return {
    job: lastReceiveCap(job, attempt, message.receiveCount, extra.maxReceiveCount),
    messageId: message.messageId,
    attempt,
    attemptCountsReceives: true,
    redelivered: message.receiveCount > 1 || message.handedBack === true,
    get settlement() {
      return settlement;
    },
    get keep() {
      return keep;
    },
    async ack() {
      await settle('ack');
      // Lambda: the event source mapping deletes it (not listed in batchItemFailures).
      if (mode === 'poll') await bind().then(({ ctx, message: m }) => deleteMessage(ctx.client, m));
    },
    async retry(delayMs: number) {
      await settle('retry');
      keep = true;
      const { ctx, message: m } = await bind();
      // Visibility hides a message ≤ 12 h; a longer wait (backoff and Retry-After reach 24 h)
      // becomes a copy with notBefore, carrying the attempt this run spent. So does a retry on
      // the queue's last receive (its maxReceiveCount unknown when mapped: a Lambda first receive
      // skips the lookup): shown again, SQS's redrive would move it to the DLQ unrun, its record
      // `retrying` for good. And so does one the queue's retention would delete while hidden.
      const max =
        extra.maxReceiveCount ??
        (await ctx.directory.redrive(m.queueUrl).catch(() => undefined))?.maxReceiveCount;
      const lastReceive = max !== undefined && m.receiveCount >= max;
      if (delayMs > maxHideMs(m) || lastReceive || (await outlivesRetention(ctx, m, delayMs)))
        keep = await deferMessage(ctx, m, job, attempt + 1, delayMs, mode);
      else await setVisibility(ctx.client, m, delayMs);
    },
    async release() {
      await settle('release');
      keep = true; // reported if SQS fails too: back after the visibility timeout
      // Shown again, it would be received again, and every receive counts towards the redrive's
      // maxReceiveCount: a result store down for a few receives moved the job to the DLQ unrun.
      // A fresh copy (receive count 0) carrying this delivery's attempt spends none of them.
      const { ctx, message: m } = await bind();
      // Lambda: the copy waits what a reported record would (the queue's visibility timeout, at
      // most DelaySeconds' 15 min), so a dead dependency is not hammered by invocations. The poll
      // consumer pauses before it releases.
      const pauseMs =
        mode === 'poll'
          ? 0
          : Math.min(MAX_DELAY_S, await ctx.directory.visibilityTimeoutS(m.queueUrl).catch(() => 30)) * 1000;
      keep = await deferMessage(ctx, m, job, attempt, pauseMs, mode, true);
    },
    async defer(delayMs: number) {
      await settle('release');
      keep = true; // reported if binding to SQS fails: it comes back after the visibility timeout
      const { ctx, message: m } = await bind();
      // A job not due yet has not run since its notBefore was set: its receives were all waits.
      const unspent = msUntil(job.notBefore) > 0 ? job.attempt : attempt;
      keep = await deferMessage(ctx, m, job, unspent, delayMs, mode);
    },
    async deadLetter(reason: string) {
      await settle('dead-letter');
      const { ctx, message: m } = await bind();
      keep = await deadLetterMessage(ctx, m, reason, mode);
    },
  };
}

/**
 * The receive at the queue's maxReceiveCount is the last SQS gives: a retry would be moved to the
 * DLQ by SQS's redrive, unrun, leaving the record `retrying` for good. So the job is shown with
 * maxAttempts = this attempt, and the executor records a failure as the last attempt (`failed`,
 * dead-lettered). Needed when a job allows more attempts than the queue (up to 1000 per enqueue).
 */
export function lastReceiveCap(
  job: JobEnvelope,
  attempt: number,
  receiveCount: number,
  maxReceiveCount: number | undefined,
): JobEnvelope {
  if (maxReceiveCount === undefined || receiveCount < maxReceiveCount || attempt >= job.maxAttempts)
    return job;
  return { ...job, maxAttempts: attempt };
}

/**
 * Moves a message to its queue's dead-letter queue, with the reason, on every receive (the last
 * one included: left to SQS's own redrive, it arrived in the DLQ without any). Returns whether
 * the message stays on the queue (Lambda: report it): never, it is copied and deleted, or dropped.
 */
export async function deadLetterMessage(
  ctx: SqsContext,
  message: ReceivedMessage,
  reason: string,
  mode: SqsMode,
): Promise<boolean> {
  const redrive = await ctx.directory.redrive(message.queueUrl);
  if (!redrive) {
    // Nowhere to put it. The job record already says `failed` with the error; drop the message.
    ctx.onDrop?.(message, reason);
    if (mode === 'poll') await deleteMessage(ctx.client, message);
    return false;
  }
  await sendToDeadLetter(ctx.client, redrive.deadLetterUrl, message, reason);
  return false;
}
