export interface RetryOptions {
  /**
   * Attempts in all (1 = no retries). Default 4. A `wait`'s failed polls are retried until its
   * `timeoutMs` instead (unless 1): it was asked to wait that long, so an ingest restart within it is ridden out.
   * An enqueue answered 409 (its key still being accepted) is retried until `deadlineMs` too.
   */
  attempts?: number;
  /** Backoff cap of the first retry (ms, default 200), doubling per retry up to `maxMs` (default 5000). */
  baseMs?: number;
  maxMs?: number;
  /**
   * Every try and pause of one call ends within this (ms, default 30 s): a Retry-After or backoff
   * that would end later is not slept (the error, with its `retryAfterMs`, is thrown at once), and
   * a try still unanswered then is aborted. `wait` is bounded by its own `timeoutMs` instead.
   */
  deadlineMs?: number;
}

/**
 * The `retry` options resolved, shared by the HTTP and the direct client so both retry alike:
 * full-jitter backoff, Retry-After honoured, nothing slept past the call's deadline.
 */
export function retryPolicy(opts: RetryOptions = {}) {
  // NaN (Number() of an unset variable) made every bound false: no try at all was sent, and the
  // call rejected with undefined; or no backoff. Refused where the client is made.
  for (const name of ['attempts', 'baseMs', 'maxMs', 'deadlineMs'] as const) {
    const v = opts[name];
    if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v)))
      throw new RangeError(`retry.${name} must be a number, got ${String(v)}`);
  }
  const attempts = Math.max(1, opts.attempts ?? 4);
  const baseMs = opts.baseMs ?? 200;
  const maxMs = opts.maxMs ?? 5000;
  const deadlineMs = opts.deadlineMs ?? 30_000;
  /** Full jitter: uniform in [0, min(max, base·2^(attempt-1))). */
  const backoffMs = (attempt: number) => Math.random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  /**
   * The pause after try `attempt` failed, or undefined when no further try fits before `until` or
   * `tries` (the attempts, unless the call allows more) are spent.
   */
  const pauseAfter = (
    attempt: number,
    until: number,
    retryAfterMs = 0,
    tries = attempts,
  ): number | undefined => {
    const pauseMs = Math.max(retryAfterMs, backoffMs(attempt));
    return attempt >= tries || Date.now() + pauseMs >= until ? undefined : pauseMs;
  };
  /**
   * The pause after a try answered 409 "still being accepted": an earlier try under the same key
   * is still publishing (a lost answer, a broker slow to confirm) and ends within the ingest's
   * publish timeout (5 s by default, past the attempts' pauses at its Retry-After of 1 s), its job
   * then answered to a retry. So retried until `until`, not `attempts` times (unless `attempts`
   * is 1): given up sooner, the call failed for a job that was accepted.
   */
  const acceptingPauseAfter = (attempt: number, until: number, retryAfterMs?: number) =>
    attempts <= 1 ? undefined : pauseAfter(attempt, until, retryAfterMs, Number.POSITIVE_INFINITY);
  /**
   * The pause after a wait's try `attempt` failed: a wait was asked to last until `until`, so it is
   * retried until then (unless `attempts` is 1), and a pause (a backoff, a Retry-After) that would
   * pass it is cut to one last try there, not given up on at once (a 3 s wait failed after 1.2 s
   * of an ingest restart; a store outage's Retry-After: 1 ended a wait up to 1 s early).
   */
  const waitPauseAfter = (attempt: number, until: number, retryAfterMs?: number): number | undefined => {
    if (attempts <= 1) return undefined;
    const pauseMs = pauseAfter(attempt, until, retryAfterMs, Number.POSITIVE_INFINITY);
    if (pauseMs !== undefined) return pauseMs;
    const left = until - Date.now();
    return left > 0 ? left : undefined;
  };
  return { attempts, deadlineMs, backoffMs, pauseAfter, acceptingPauseAfter, waitPauseAfter };
}
