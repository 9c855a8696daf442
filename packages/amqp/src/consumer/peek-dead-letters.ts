import type { ChannelModel } from 'amqplib';
import { bounded, NoAnswerError } from '../connection/no-answer';
import { dlqName } from '../topology/queue-arguments';
import { DEAD_AT_HEADER, REASON_HEADER } from './dead-letter';

export interface DeadLetterRecord {
  reason: string;
  body: string;
  messageId?: string;
  deadAt?: number;
}

/**
 * Reads up to `max` messages of `<queue>.dlq` without removing them: basic.get without ack on a
 * throwaway channel, whose close hands them all back. Sorted by dead-letter time (requeued
 * messages need not keep their order). Each reply is awaited at most `ms` (NoAnswerError): a
 * silent broker must not hang the caller; a long peek is many quick replies, so not the whole.
 */
export async function peekDeadLetters(
  model: ChannelModel,
  queue: string,
  max: number,
  ms: number,
): Promise<DeadLetterRecord[]> {
  const what = `peek ${dlqName(queue)}`;
  const ch = await bounded(model.createChannel(), ms, what);
  ch.on('error', () => {});
  const out: (DeadLetterRecord & { n: number })[] = [];
  let silent = false;
  try {
    for (let n = 0; n < max; n++) {
      const m = await bounded(ch.get(dlqName(queue), { noAck: false }), ms, what).catch((err) => {
        silent = err instanceof NoAnswerError;
        throw err;
      });
      if (!m) break;
      const h = m.properties.headers ?? {};
      const reason = h[REASON_HEADER] ?? h['x-first-death-reason'] ?? 'dead-lettered by the broker';
      out.push({
        n,
        reason: Buffer.isBuffer(reason) ? reason.toString() : String(reason),
        body: m.content.toString(),
        messageId: m.properties.messageId as string | undefined,
        deadAt: typeof h[DEAD_AT_HEADER] === 'number' ? h[DEAD_AT_HEADER] : undefined,
      });
    }
  } finally {
    // A broker that left a get unanswered will not answer the close either: not waited for.
    const closing = ch.close().catch(() => {});
    if (!silent) await bounded(closing, ms, what).catch(() => {});
  }
  out.sort((a, b) => (a.deadAt ?? 0) - (b.deadAt ?? 0) || a.n - b.n);
  return out.map(({ n: _n, ...r }) => r);
}
