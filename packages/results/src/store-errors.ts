import { redactUrlCredentials, StoreFullError, TransportError } from '@warren/core';

/**
 * Redis replies that mean "not now" rather than "never": worth a retry elsewhere or later. OOM
 * (maxmemory reached under noeviction, a managed plan's limit) passes as records expire or are
 * freed, MISCONF (writes stopped after a failed snapshot: a full or read-only disk) once one
 * succeeds; each refuses every write alike, so it says nothing about the job being written. OOM
 * nearly so: Redis counts a command's arguments against maxmemory, so a write carrying a large
 * input can be refused while small ones pass (a StoreFullError, which the executor tells apart).
 */
const TRANSIENT_REPLY = /^(LOADING|BUSY|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|OOM|MISCONF)\b/;
/** Redis at its maxmemory under noeviction (the same reply over TCP and through the REST endpoint). */
const OOM_REPLY = /^OOM\b/;
/**
 * Upstash's plan limits (ERR replies, a 400 over REST): its OOM (capacity) and its request and
 * connection quotas, which pass the same way. Its limits on one request (size of the request,
 * a record, a key) are not here: the same write is refused again.
 */
const PLAN_LIMIT_REPLY =
  /^ERR (max (daily request|requests) limit exceeded|max concurrent connections exceeded|DB capacity quota exceeded)/;

/**
 * The REST endpoint refused a request for its size before running any of it: Upstash answers
 * "ERR max request size exceeded" (over 10 MB), the bundled stand-in the same with a 413.
 */
export const refusedForSize = (err: unknown): boolean => {
  const e = err as { status?: number; message?: string } | undefined;
  return e?.status === 413 || /max request size exceeded/i.test(e?.message ?? '');
};

/** HTTP statuses that say "later": request timeout, rate limit. */
const RETRY_LATER_STATUS = new Set([408, 429]);

/**
 * A 4xx from the REST endpoint: Redis refused the command (Upstash answers its error replies
 * with 400: NOPERM, EXECABORT…) or the endpoint refused the request (403, 413): the same request
 * fails the same way again. 408 and 429 excepted.
 */
const refusedStatus = (status: number | undefined): boolean =>
  status !== undefined && status >= 400 && status < 500 && !RETRY_LATER_STATUS.has(status);

/**
 * Every store failure surfaces as a TransportError so the worker does not ack the delivery.
 * Connection trouble (ioredis closed/retries exhausted/timeouts, fetch failures and timeouts,
 * 5xx, 408 and 429 from the REST endpoint) is recoverable; a script, protocol or 4xx error is not.
 */
export function toStoreError(err: unknown, op: string): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as { name?: string; message?: string; status?: number };
  // Driver messages quote the URL they failed on (fetch: "…from a URL that includes credentials:
  // http://user:pass@…"); this message reaches logs and, as a 503's detail, API callers.
  const msg = redactUrlCredentials(e?.message ?? String(err));
  const replyError =
    e?.name === 'ReplyError' ||
    (e?.name === 'UpstashError' && (refusedStatus(e.status) || /^(ERR|NOSCRIPT|WRONGTYPE)\b/.test(msg)));
  const unauthorized = /Unauthorized|WRONGPASS|NOAUTH/i.test(msg);
  const later = e?.name === 'UpstashError' && RETRY_LATER_STATUS.has(e.status ?? 0);
  const recoverable =
    TRANSIENT_REPLY.test(msg) || PLAN_LIMIT_REPLY.test(msg) || later || (!replyError && !unauthorized);
  const opts = { cause: err, code: 'result-store-unavailable' };
  // Refused for memory: a write with a large argument can be refused while small ones pass.
  if (OOM_REPLY.test(msg)) return new StoreFullError(`result store ${op} failed: ${msg}`, opts);
  return new TransportError(`result store ${op} failed: ${msg}`, recoverable, opts);
}
