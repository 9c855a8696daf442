import { type Delivery, type Executor, TransportError, UnavailableError } from '@warren/core';

/** Deliveries of one job attempt whose handling threw a non-infrastructure error, before its DLQ. */
export const POISON_LIMIT = 5;
/** Job attempts remembered at once; the oldest is forgotten first (a Map keeps insertion order). */
const MAX_TRACKED = 10_000;

/** The broker or the store failed: the job is fine, it is handed back however often it comes. */
export const isInfrastructure = (err: unknown): boolean =>
  err instanceof TransportError || err instanceof UnavailableError;

/**
 * The worker hands a delivery back when its handling throws (a store or broker outage must not
 * lose it). Anything else thrown there is a defect the job itself triggers (warren's own code
 * failing on this one message): handed back, it comes straight back and fails the same way, a
 * loop with no end and no reason anywhere. Counted per job attempt in this process, the same
 * failure `POISON_LIMIT` times in a row sends it to the dead-letter queue with the error.
 */
export function createPoisonGuard(limit = POISON_LIMIT) {
  const failures = new Map<string, number>();
  const keyOf = (d: Delivery) => `${d.job.id}/${d.attempt}`;
  return {
    /** Whether this failure is the one that dead-letters the delivery. */
    failed(d: Delivery, err: unknown): boolean {
      if (isInfrastructure(err)) return false;
      const key = keyOf(d);
      const n = (failures.get(key) ?? 0) + 1;
      failures.delete(key);
      if (n >= limit) return true;
      failures.set(key, n);
      if (failures.size > MAX_TRACKED) failures.delete(failures.keys().next().value as string);
      return false;
    },
    settled(d: Delivery): void {
      if (failures.size > 0) failures.delete(keyOf(d));
    },
  };
}

/** The dead-letter reason for a delivery whose handling threw the same error `limit` times. */
function poisonReason(err: unknown, limit = POISON_LIMIT): string {
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return `the worker failed on this message ${limit} times in a row (not the task: ${what.slice(0, 500)})`;
}

/**
 * Fails a delivery the guard gave up on through the executor (its record `failed` as WorkerError,
 * then its DLQ); when that throws too (the defect may be in it), `moveAsIs` puts the message in
 * the DLQ with the reason. Rejects only when both fail.
 */
export async function failPoisoned(
  executor: Pick<Executor, 'fail'>,
  d: Delivery,
  err: unknown,
  moveAsIs: (reason: string) => Promise<void>,
): Promise<void> {
  const reason = poisonReason(err);
  try {
    await executor.fail(d, { type: 'WorkerError', message: reason, retryable: false }, 'worker error');
  } catch {
    await moveAsIs(reason);
  }
}
