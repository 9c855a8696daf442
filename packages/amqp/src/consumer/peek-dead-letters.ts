import type { ChannelModel, GetMessage } from 'amqplib';
import type { DecodeResult, IncomingMessage } from '../codec';
import { bounded, NoAnswerError } from '../connection/no-answer';
import { dlqName } from '../topology/queue-arguments';
import { DEAD_AT_HEADER, REASON_HEADER } from './dead-letter';

export interface DeadLetterRecord {
  reason: string;
  body: string;
  messageId?: string;
  deadAt?: number;
  /** The queue's codec's reading of the body, when asked for (`decode`). */
  decoded?: DecodeResult;
}

/** What a dead letter's headers say: its reason and when it died (epoch ms, when known). */
export function deadLetterFields(m: GetMessage): Omit<DeadLetterRecord, 'decoded'> {
  const h = m.properties.headers ?? {};
  // The last death (x-death's first entry), not x-first-death-reason: a job that came through a
  // delay tier died first of the tier's TTL, `expired`, whatever sent it to the DLQ afterwards.
  const reason =
    h[REASON_HEADER] ??
    lastDeathReason(h['x-death']) ??
    h['x-first-death-reason'] ??
    'dead-lettered by the broker';
  return {
    reason: Buffer.isBuffer(reason) ? reason.toString() : String(reason),
    body: m.content.toString(),
    messageId: m.properties.messageId as string | undefined,
    deadAt: typeof h[DEAD_AT_HEADER] === 'number' ? h[DEAD_AT_HEADER] : brokerDeathAt(h['x-death']),
  };
}

/** The reason of the message's latest death (RabbitMQ keeps x-death newest first). */
function lastDeathReason(xDeath: unknown): unknown {
  return Array.isArray(xDeath) ? (xDeath[0] as { reason?: unknown } | undefined)?.reason : undefined;
}

/** A message the broker itself dead-lettered (TTL, a reject) has only `x-death`: its time, in seconds. */
function brokerDeathAt(xDeath: unknown): number | undefined {
  const t = Array.isArray(xDeath) ? (xDeath[0] as { time?: unknown } | undefined)?.time : undefined;
  const s = typeof t === 'number' ? t : (t as { value?: unknown } | undefined)?.value;
  return typeof s === 'number' ? s * 1000 : undefined;
}

/**
 * Reads up to `max` messages of `<queue>.dlq` without removing them: basic.get without ack on a
 * throwaway channel, whose close hands them all back. Sorted by dead-letter time (requeued
 * messages need not keep their order). Each reply is awaited at most `ms` (NoAnswerError): a
 * silent broker must not hang the caller; a long peek is many quick replies, so not the whole.
 * With `decode`, each record carries the queue's codec's reading of its body.
 */
export async function peekDeadLetters(
  model: ChannelModel,
  queue: string,
  max: number,
  ms: number,
  decode?: (m: IncomingMessage) => DecodeResult,
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
      out.push({ n, ...deadLetterFields(m), ...(decode ? { decoded: decode(m) } : {}) });
    }
  } finally {
    // A broker that left a get unanswered will not answer the close either: not waited for.
    const closing = ch.close().catch(() => {});
    if (!silent) await bounded(closing, ms, what).catch(() => {});
  }
  out.sort((a, b) => (a.deadAt ?? 0) - (b.deadAt ?? 0) || a.n - b.n);
  return out.map(({ n: _n, ...r }) => r);
}
