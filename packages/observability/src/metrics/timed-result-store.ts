import type { ResultStore } from '@warren/core';
import type { Metrics } from './create-metrics';

/**
 * Wraps a ResultStore so each call's latency lands in `warren_result_store_seconds{op}`, and each
 * failure in `warren_result_store_errors_total{op,error}`.
 */
export function timedResultStore(store: ResultStore, m: Metrics): ResultStore {
  const timed =
    <A extends unknown[], R>(op: string, fn: (...a: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const end = m.resultStore.startTimer({ op });
      try {
        return await fn(...args);
      } catch (err) {
        // Stores throw TransportError; recoverable means "not now" (down, timed out), not "never".
        const recoverable = (err as { recoverable?: unknown } | undefined)?.recoverable === true;
        m.resultStoreErrors.inc({ op, error: recoverable ? 'unavailable' : 'refused' });
        throw err;
      } finally {
        end();
      }
    };
  return {
    get: timed('get', (id) => store.get(id)),
    transition: timed('transition', (id, to, patch) => store.transition(id, to, patch)),
    create: timed('create', (id, state, patch) => store.create(id, state, patch)),
    claimIdempotencyKey: timed('claim_idempotency_key', (k, id, ttl) =>
      store.claimIdempotencyKey(k, id, ttl),
    ),
    releaseIdempotencyKey: timed('release_idempotency_key', (k, id) => store.releaseIdempotencyKey(k, id)),
    // Passed through untimed: a long-poll lasts as long as the job, which is not store latency.
    ...(store.waitFor ? { waitFor: store.waitFor.bind(store) } : {}),
    close: () => store.close(),
  };
}
