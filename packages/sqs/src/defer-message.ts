import type { JobEnvelope } from '@warren/core';
import { sqsCall } from './errors';
import { isFifoUrl, MAX_DEFER_MS, MAX_DELAY_S, toSeconds } from './limits';
import { loadSqsSdk } from './sdk';
import type { SqsContext, SqsMode } from './sqs-delivery';
import { deleteMessage, type ReceivedMessage, setVisibility } from './sqs-ops';

/**
 * Hands a message back unrun, visible again after `delayMs`. Returns true when it must stay on
 * the queue (Lambda: reported). Normally that is a visibility change; but on the receive at the
 * queue's maxReceiveCount the next receive would move it to the DLQ unrun, so a fresh copy
 * (receive count 0) is sent instead, carrying the attempt this receive did not spend, and this
 * one is dropped. Not on FIFO queues: a copy would lose its place in the group.
 */
export async function deferMessage(
  ctx: SqsContext,
  m: ReceivedMessage,
  job: JobEnvelope,
  attempt: number,
  delayMs: number,
  mode: SqsMode,
): Promise<boolean> {
  const redrive = isFifoUrl(m.queueUrl)
    ? undefined
    : await ctx.directory.redrive(m.queueUrl).catch(() => undefined);
  if (!redrive || m.receiveCount < redrive.maxReceiveCount) {
    await setVisibility(ctx.client, m, Math.min(delayMs, MAX_DEFER_MS));
    return true;
  }
  const body = attempt === job.attempt ? m.body : JSON.stringify({ ...job, attempt });
  await sqsCall('SendMessage (deferred copy)', async () => {
    const { SendMessageCommand } = await loadSqsSdk();
    // A wait past DelaySeconds' 15 min is kept by the envelope's notBefore.
    const DelaySeconds = toSeconds(delayMs, MAX_DELAY_S);
    return ctx.client.send(new SendMessageCommand({ QueueUrl: m.queueUrl, MessageBody: body, DelaySeconds }));
  });
  if (mode === 'poll') await deleteMessage(ctx.client, m);
  return false;
}
