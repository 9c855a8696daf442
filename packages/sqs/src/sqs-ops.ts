import type { SQSClient } from '@aws-sdk/client-sqs';
import { deadLetterAttributes } from './dead-letter-attributes';
import { sqsCall } from './errors';
import { isFifoUrl, MAX_DEFER_MS, MAX_VISIBILITY_S, toSeconds } from './limits';
import { loadSqsSdk } from './sdk';

/** One received SQS message, wherever it came from (ReceiveMessage or a Lambda event record). */
export interface ReceivedMessage {
  queueUrl: string;
  messageId: string;
  receiptHandle: string;
  body: string;
  receiveCount: number;
  /** A copy this consumer sent back for a delivery it released (HANDED_BACK attribute): a redelivery. */
  handedBack?: boolean;
  /** FIFO queues: the message's MessageGroupId (a copy of it goes to the same group). */
  groupId?: string;
  /** When SQS first accepted it (SentTimestamp, epoch ms): its retention counts from then. */
  sentAt?: number;
  /** When its ReceiveMessage went out (epoch ms; the poll consumer): the visibility timeout (12 h at most) and its heartbeat count from then. */
  receivedAt?: number;
}

/** The message attribute a released delivery's fresh copy carries (see SqsDelivery.release). */
export const HANDED_BACK = 'warren-handed-back';

export function deleteMessage(client: SQSClient, m: ReceivedMessage): Promise<void> {
  return sqsCall('DeleteMessage', async () => {
    const { DeleteMessageCommand } = await loadSqsSdk();
    await client.send(new DeleteMessageCommand({ QueueUrl: m.queueUrl, ReceiptHandle: m.receiptHandle }));
  });
}

/**
 * The longest this message can still be hidden in place: SQS refuses a visibility change past 12 h
 * from the receive (a poll consumer's long task spent some of it), and MAX_DEFER_MS keeps a Lambda
 * invocation's 15 min. A longer wait must be a copy.
 */
export function maxHideMs(m: ReceivedMessage): number {
  if (m.receivedAt === undefined) return MAX_DEFER_MS;
  const left = MAX_VISIBILITY_S * 1000 - (Date.now() - m.receivedAt) - 60_000;
  return Math.max(0, Math.min(MAX_DEFER_MS, left));
}

/** Makes the message visible again after `delayMs` (SQS caps visibility at 12 h). */
export function setVisibility(client: SQSClient, m: ReceivedMessage, delayMs: number): Promise<void> {
  return sqsCall('ChangeMessageVisibility', async () => {
    const { ChangeMessageVisibilityCommand } = await loadSqsSdk();
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: m.queueUrl,
        ReceiptHandle: m.receiptHandle,
        VisibilityTimeout: toSeconds(delayMs, MAX_VISIBILITY_S),
      }),
    );
  });
}

const utf8 = new TextEncoder();

/**
 * Copies the message body unchanged to the dead-letter queue with the reason (which carries the
 * last error) as message attributes, then deletes the original: SQS's own redrive cannot say why.
 */
export async function sendToDeadLetter(
  client: SQSClient,
  deadLetterUrl: string,
  m: ReceivedMessage,
  reason: string,
): Promise<void> {
  await sqsCall('SendMessage (dead letter)', async () => {
    const { SendMessageCommand } = await loadSqsSdk();
    return client.send(
      new SendMessageCommand({
        QueueUrl: deadLetterUrl,
        MessageBody: m.body,
        MessageAttributes: deadLetterAttributes(
          utf8.encode(m.body).byteLength,
          reason,
          m.queueUrl,
          m.receiveCount,
        ),
        // FIFO: a group per letter. In one group SQS hands out none while any is in flight, and
        // a take of the DLQ (warren dlq) holds what it received: it saw only the first 10.
        ...(isFifoUrl(deadLetterUrl)
          ? { MessageGroupId: m.messageId, MessageDeduplicationId: m.messageId }
          : {}),
      }),
    );
  });
  await deleteMessage(client, m);
}
