import { type JobEnvelope, sqsSafeJson } from '@warren/core';
import { sqsCall } from './errors';
import { isFifoUrl, MAX_DELAY_S, toSeconds } from './limits';
import { outlivesRetention } from './retention';
import { loadSqsSdk } from './sdk';
import type { SqsContext, SqsMode } from './sqs-delivery';
import { deleteMessage, HANDED_BACK, maxHideMs, type ReceivedMessage, setVisibility } from './sqs-ops';
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
 * next receive would move it to the DLQ unrun, and so it is when the message would come back past
 * its retention (see outlivesRetention).
 *
 * FIFO queues hide the message in place (keeping its place in its group) while the wait fits one
 * visibility change or notBefore covers it. Otherwise (a retry past 11 h 45, the last receive) the
 * copy goes to the end of the same message group, with the whole wait in notBefore (FIFO refuses
 * DelaySeconds per message) and this message's id as its MessageDeduplicationId: the job id the
 * original was sent with would make SQS drop the copy for 5 minutes after that send.
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
  const fifo = isFifoUrl(m.queueUrl);
  const stamped = withNotBefore(job, delayMs, fifo ? 0 : MAX_DELAY_MS);
  const cap = maxHideMs(m);
  const inPlace = fifo
    ? delayMs <= cap || (stamped === job && cap > 0)
    : delayMs > MAX_DELAY_MS && stamped === job && cap > 0;
  if (inPlace) {
    const redrive = await ctx.directory.redrive(m.queueUrl).catch(() => undefined);
    const hideMs = Math.min(fifo ? delayMs : delayMs - MAX_DELAY_MS, cap);
    const last = redrive !== undefined && m.receiveCount >= redrive.maxReceiveCount;
    if (!last && !(await outlivesRetention(ctx, m, hideMs))) {
      await setVisibility(ctx.client, m, hideMs);
      return true;
    }
  }
  const body =
    attempt === job.attempt && stamped === job
      ? m.body
      : sqsSafeJson(JSON.stringify({ ...stamped, attempt }));
  await sqsCall('SendMessage (deferred copy)', async () => {
    const { SendMessageCommand } = await loadSqsSdk();
    const MessageAttributes = handedBack
      ? { [HANDED_BACK]: { DataType: 'String', StringValue: '1' } }
      : undefined;
    const placing = fifo
      ? { MessageGroupId: m.groupId ?? job.queue, MessageDeduplicationId: m.messageId }
      : // A wait past DelaySeconds' 15 min is kept by the envelope's notBefore (stamped above).
        { DelaySeconds: toSeconds(delayMs, MAX_DELAY_S) };
    return ctx.client.send(
      new SendMessageCommand({ QueueUrl: m.queueUrl, MessageBody: body, MessageAttributes, ...placing }),
    );
  });
  if (mode === 'poll') await deleteMessage(ctx.client, m);
  return false;
}
