import type { JobEnvelope } from '@warren/core';
import { sqsCall } from './errors';
import { isFifoUrl, MAX_DEFER_MS, MAX_DELAY_S, toSeconds } from './limits';
import { loadSqsSdk } from './sdk';
import type { SqsContext, SqsMode } from './sqs-delivery';
import { deleteMessage, HANDED_BACK, type ReceivedMessage, setVisibility } from './sqs-ops';
import { withNotBefore } from './with-not-before';

const MAX_DELAY_MS = MAX_DELAY_S * 1000;

/**
 * Hands a message back unrun, to be received again after `delayMs`. Returns true when it stays on
 * the queue (Lambda: report it). Every receive raises ApproximateReceiveCount, which is the
 * attempt, so a wait DelaySeconds can hold (≤ 15 min) becomes a fresh copy (receive count 0)
 * carrying `attempt`, and this message is dropped. A longer wait that the envelope's notBefore
 * covers hides this message until ≤ 15 min before due (one receive per 12 h), then a copy; one
 * it does not cover is a copy stamped with notBefore (hidden in place, the unchanged body would
 * run when shown again). On the queue's last receive a copy is sent whatever the wait, since the
 * next receive would move it to the DLQ unrun. FIFO queues only change the visibility (capped at
 * 12 h): a copy would lose its place in the group.
 */
export async function deferMessage(
  ctx: SqsContext,
  m: ReceivedMessage,
  job: JobEnvelope,
  attempt: number,
  delayMs: number,
  mode: SqsMode,
  /** A released delivery's copy: marked so its next delivery reads as a redelivery. */
  handedBack = false,
): Promise<boolean> {
  if (isFifoUrl(m.queueUrl)) {
    await setVisibility(ctx.client, m, Math.min(delayMs, MAX_DEFER_MS));
    return true;
  }
  const stamped = withNotBefore(job, delayMs);
  if (delayMs > MAX_DELAY_MS && stamped === job) {
    const redrive = await ctx.directory.redrive(m.queueUrl).catch(() => undefined);
    if (!redrive || m.receiveCount < redrive.maxReceiveCount) {
      await setVisibility(ctx.client, m, Math.min(delayMs - MAX_DELAY_MS, MAX_DEFER_MS));
      return true;
    }
  }
  const body = attempt === job.attempt && stamped === job ? m.body : JSON.stringify({ ...stamped, attempt });
  await sqsCall('SendMessage (deferred copy)', async () => {
    const { SendMessageCommand } = await loadSqsSdk();
    // A wait past DelaySeconds' 15 min is kept by the envelope's notBefore (stamped above).
    const DelaySeconds = toSeconds(delayMs, MAX_DELAY_S);
    const MessageAttributes = handedBack
      ? { [HANDED_BACK]: { DataType: 'String', StringValue: '1' } }
      : undefined;
    return ctx.client.send(
      new SendMessageCommand({ QueueUrl: m.queueUrl, MessageBody: body, DelaySeconds, MessageAttributes }),
    );
  });
  if (mode === 'poll') await deleteMessage(ctx.client, m);
  return false;
}
