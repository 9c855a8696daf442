import type { SqsContext } from './sqs-delivery';
import type { ReceivedMessage } from './sqs-ops';

/** Kept between a hidden message's return and the end of its retention: time to receive and copy it. */
const MARGIN_MS = 3_600_000;

/**
 * Whether a message hidden in place for `hideMs` would come back too close to its retention's end
 * (or after it). SQS deletes a message at its queue's MessageRetentionPeriod counted from its
 * first send, hidden or not, so each receive hidden 12 h in place ages it: a job deferred or retried
 * that way more than 26 times (a queue's maxReceiveCount may be larger) was deleted unseen. Such a
 * wait becomes a fresh copy instead. False when either time is unknown (best effort, as before).
 */
export async function outlivesRetention(
  ctx: SqsContext,
  m: ReceivedMessage,
  hideMs: number,
): Promise<boolean> {
  if (m.sentAt === undefined) return false;
  const retentionS = await ctx.directory.retentionS(m.queueUrl).catch(() => undefined);
  if (retentionS === undefined) return false;
  return Date.now() + hideMs + MARGIN_MS > m.sentAt + retentionS * 1000;
}
