import { TransportError } from '@warren/core';

/** Socket-level failures: the node or the path to it is gone; another attempt (or node) may work. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_SOCKET_CLOSED',
]);

/**
 * AMQP reply codes. 320 connection-forced (node stopping), 311 content-too-large is not
 * ours, 541 internal-error and 506 resource-error are transient on the broker side. 403
 * access-refused, 406 precondition-failed (queue declared with other arguments), 530 not-allowed
 * (vhost) and 505/501/502/503 (protocol misuse) will fail the same way again.
 */
const RECOVERABLE_REPLY = new Set([320, 506, 541]);
const FATAL_REPLY = new Set([403, 406, 530, 501, 502, 503, 505, 311, 313, 540]);

/**
 * Turns any amqplib (or socket) error into a `TransportError { recoverable }` — the only thing
 * upper layers look at (the kombu way: connection errors recoverable, channel errors not).
 */
export function classifyAmqpError(err: unknown, context = 'amqp'): TransportError {
  if (err instanceof TransportError) return err;
  const e = (err ?? {}) as { code?: unknown; message?: unknown; name?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  const text = `${context}: ${message}`;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code))
    return new TransportError(text, true, { cause: err });
  if (typeof e.code === 'number') {
    if (RECOVERABLE_REPLY.has(e.code)) return new TransportError(text, true, { cause: err });
    // 404 on a classic queue whose home node is down is a cluster condition, not a missing queue.
    if (e.code === 404)
      return new TransportError(text, /down or inaccessible/i.test(message), { cause: err });
    if (FATAL_REPLY.has(e.code)) return new TransportError(text, false, { cause: err });
  }
  // The handshake reports refusals only in its message text.
  if (/ACCESS[-_]REFUSED|403|PRECONDITION[-_]FAILED|NOT[-_]ALLOWED|530/.test(message))
    return new TransportError(text, false, { cause: err });
  if (/unroutable|NO_ROUTE|312/i.test(message)) return new TransportError(text, false, { cause: err });
  // Closed channels/connections, heartbeat timeouts, handshake cut short: try again, maybe elsewhere.
  return new TransportError(text, true, { cause: err });
}
