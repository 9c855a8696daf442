import { TransportError } from '@warren/core';
import { classifyAmqpError } from '../errors/classify-amqp-error';

/** The exchange a channel error is about (404 no exchange, 403 access to exchange), if it names one. */
export function exchangeNamed(err: Error): string | undefined {
  return /exchange '([^']*)'/.exec(err.message)?.[1];
}

/**
 * The broker's max_message_size when the channel was closed for a message over it (406
 * "message size N is larger than configured max size M"), else undefined.
 */
export function maxSizeNamed(err: Error): number | undefined {
  const m = /message size \d+ is larger than configured max size (\d+)/.exec(err.message);
  return m ? Number(m[1]) : undefined;
}

/**
 * Why an unconfirmed publish failed when its channel closed. No channel error: the connection
 * went (recoverable). A channel error is the fault of the publishes it names: those to the
 * exchange it names (404 NOT_FOUND), or those over the max message size it names (406); they get
 * it, classified. The rest of the channel's publishes were collateral and may be sent again (some
 * may have landed: the message id dedupes).
 */
export function channelCloseError(
  closeErr: Error | undefined,
  exchange: string,
  queue: string,
  size: number,
): TransportError {
  if (!closeErr) return new TransportError('connection lost before the broker confirmed', true);
  const max = maxSizeNamed(closeErr);
  if (max !== undefined) {
    if (size > max)
      return new TransportError(
        `publish to ${queue}: the message (${size} bytes) is larger than the broker's max_message_size (${max} bytes)`,
        false,
        // The job's size, not the broker's health: a 413 as for a body over the ingest's limit.
        // Answered 503 with Retry-After, it was sent again, as large, by every retrying client.
        { cause: closeErr, status: 413, code: 'payload-too-large' },
      );
  } else {
    const named = exchangeNamed(closeErr);
    if (named === undefined || named === exchange) return classifyAmqpError(closeErr, `publish to ${queue}`);
  }
  return new TransportError(
    `channel closed before the broker confirmed (publish to ${queue}): ${closeErr.message}`,
    true,
    { cause: closeErr },
  );
}
