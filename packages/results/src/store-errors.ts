import { TransportError } from '@warren/core';

/** Redis replies that mean "not now" rather than "never": worth a retry elsewhere or later. */
const TRANSIENT_REPLY = /^(LOADING|BUSY|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|NOREPLICAS)\b/;

/**
 * Every store failure surfaces as a TransportError so the worker does not ack the delivery.
 * Connection trouble (ioredis closed/retries exhausted/timeouts, fetch failures, 5xx from the
 * REST endpoint) is recoverable; a script or protocol error is not.
 */
export function toStoreError(err: unknown, op: string): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as { name?: string; message?: string };
  const msg = e?.message ?? String(err);
  const replyError =
    e?.name === 'ReplyError' || (e?.name === 'UpstashError' && /^(ERR|NOSCRIPT|WRONGTYPE)\b/.test(msg));
  const unauthorized = /Unauthorized|WRONGPASS|NOAUTH/i.test(msg);
  const recoverable = TRANSIENT_REPLY.test(msg) || (!replyError && !unauthorized);
  return new TransportError(`result store ${op} failed: ${msg}`, recoverable, {
    cause: err,
    code: 'result-store-unavailable',
  });
}
