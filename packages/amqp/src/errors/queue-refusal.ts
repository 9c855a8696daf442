/**
 * AMQP channel-level reply codes that concern one queue, not the connection: 404 (the queue, or
 * its home node in a cluster, is gone), 405 (held exclusively by another connection). The channel
 * that asked is closed; the connection and every other queue on it are fine.
 */
const QUEUE_REPLY = new Set([404, 405]);

/** Whether `err` (or an error it wraps, as TransportError's cause) is such a refusal. */
export function isQueueRefusal(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return QUEUE_REPLY.has(code);
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
