import { WarrenHttpError } from '../http/errors';
import { sleep } from '../http/request';
import { type RetryOptions, retryPolicy } from '../http/retry-policy';
import { retryableItem } from '../http/send-in-bursts';
import { asHttpError } from './as-http-error';

/**
 * The direct client's retries, on the HTTP client's policy (same `retry` options, backoff,
 * Retry-After and deadline). Only safe with the same idempotency key on every try: the caller
 * puts it in the request before the first.
 */
export function createRetrying(opts?: RetryOptions) {
  const policy = retryPolicy(opts);

  /**
   * `fn` until it succeeds or fails for good; failures leave as the HTTP client's WarrenHttpError.
   * Within the policy's deadline, or `until` (a wait's end, as the HTTP client's wait); `signal`
   * ends a pause.
   */
  async function retrying<T>(
    fn: () => Promise<T>,
    opts: { until?: number; signal?: AbortSignal } = {},
  ): Promise<T> {
    const until = opts.until ?? Date.now() + policy.deadlineMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const http = asHttpError(err);
        if (!(http instanceof WarrenHttpError) || !retryableItem(http.status)) throw http;
        // A wait (`until` given) is retried until its end, as the HTTP client's polls; a key still
        // being accepted (409) until the deadline, as the HTTP client's enqueue.
        const pauseMs =
          opts.until !== undefined
            ? policy.waitPauseAfter(attempt, until, http.retryAfterMs)
            : http.status === 409
              ? policy.acceptingPauseAfter(attempt, until, http.retryAfterMs)
              : policy.pauseAfter(attempt, until, http.retryAfterMs);
        if (pauseMs === undefined) throw http;
        await sleep(pauseMs, opts.signal);
      }
    }
  }

  return { retrying, ...policy };
}
