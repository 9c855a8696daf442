import { TransportError } from '@warren/core';
import { classifyAmqpError } from '../errors/classify-amqp-error';

/** The exchange a channel error is about (404 no exchange, 403 access to exchange), if it names one. */
export function exchangeNamed(err: Error): string | undefined {
  return /exchange '([^']*)'/.exec(err.message)?.[1];
}

/**
 * Why an unconfirmed publish failed when its channel closed. No channel error: the connection
 * went (recoverable). A channel error is the fault of the publishes to the exchange it names:
 * those get it, classified (404 NOT_FOUND names the exchange); the rest of the channel's
 * publishes were collateral and may be sent again (some may have landed: the message id dedupes).
 */
export function channelCloseError(
  closeErr: Error | undefined,
  exchange: string,
  queue: string,
): TransportError {
  if (!closeErr) return new TransportError('connection lost before the broker confirmed', true);
  const named = exchangeNamed(closeErr);
  if (named === undefined || named === exchange) return classifyAmqpError(closeErr, `publish to ${queue}`);
  return new TransportError(
    `channel closed before the broker confirmed (publish to ${queue}): ${closeErr.message}`,
    true,
    { cause: closeErr },
  );
}
