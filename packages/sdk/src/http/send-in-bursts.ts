import type { BatchItemResult } from '@warren/protocol';
import { isRetryableStatus } from './errors';
import { sleep } from './request';

/** An item answered so is sent again: 429, 503 and the like, or 409 (its key still being accepted). */
export const retryableItem = (status: number): boolean => isRetryableStatus(status) || status === 409;

export interface BurstOptions<C extends { until: number }> {
  /** Items per request (the batch limit). */
  max: number;
  /** The bounds of one burst, its retries included (a deadline from now). */
  start(): C;
  /** The pause after try `attempt` (at least `retryAfterMs`), or undefined when no further try fits before `until`. */
  pauseAfter(attempt: number, until: number, retryAfterMs?: number): number | undefined;
  /** The same for items still being accepted (409): until `until`, not `attempts` times (retryPolicy). */
  acceptingPauseAfter(attempt: number, until: number, retryAfterMs?: number): number | undefined;
  /** Ends a pause between tries with its reason. */
  signal?: AbortSignal;
  /**
   * Sends the items at `indices` in one request; one answer per item, in order, and how long the
   * answer asked to wait before sending its refused items again (Retry-After), if it did.
   */
  send(
    indices: number[],
    call: C,
    out: readonly (BatchItemResult | undefined)[],
  ): Promise<{ results: BatchItemResult[]; retryAfterMs?: number }>;
}

/**
 * `count` items in consecutive bursts of `max`, each burst's retryable items sent again, alone,
 * until answered or out of tries: how the HTTP and the direct client both send enqueueMany. No
 * items, no request and no answers (as BullMQ's addBulk([])): the batch route's 400 for an empty
 * list made every caller of a list that may come out empty guard against it.
 */
export async function sendInBursts<C extends { until: number }>(
  count: number,
  o: BurstOptions<C>,
): Promise<BatchItemResult[]> {
  const out: BatchItemResult[] = [];
  let from = 0;
  while (from < count) {
    let pending = Array.from({ length: Math.min(o.max, count - from) }, (_, k) => from + k);
    const call = o.start();
    for (let attempt = 1; ; attempt++) {
      const { results, retryAfterMs } = await o.send(pending, call, out);
      let again: number[] = [];
      results.forEach((r, k) => {
        out[pending[k]!] = r;
        if (retryableItem(r.status)) again.push(pending[k]!);
      });
      let pauseMs = o.pauseAfter(attempt, call.until, retryAfterMs);
      if (pauseMs === undefined) {
        // Out of attempts: items still being accepted go on, as a single enqueue's 409 does.
        again = again.filter((i) => out[i]!.status === 409);
        pauseMs = o.acceptingPauseAfter(attempt, call.until, retryAfterMs);
      }
      if (again.length === 0 || pauseMs === undefined) break;
      pending = again;
      await sleep(pauseMs, o.signal);
    }
    from += o.max;
  }
  return out;
}
