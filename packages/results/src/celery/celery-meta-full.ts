import { type JobError, StoreFullError } from '@warren/core';

/**
 * Refusals for memory of one job's SUCCESS meta before a FAILURE meta stands in for it: with the
 * run's end retrying (100 ms doubling to 1 s), ~4.5 s, past the moment a Redis keeps a large
 * argument's buffer after a write, inside the run's 15 s of retries (one delivery).
 */
export const META_FULL_TRIES = 8;
/** Job ids remembered at once; the oldest is forgotten first (a Map keeps insertion order). */
const MAX_REMEMBERED = 10_000;

/**
 * A SUCCESS meta carries the result a second time beside warren's record, and Redis counts a
 * command's arguments against its maxmemory: a result larger than the memory left is refused
 * (OOM, recoverable) while small writes pass, at every try. Thrown, the delivery was handed back
 * and each copy refused again (the record finished, its meta repaired at every copy): the message
 * went round its queue for good and AsyncResult read PENDING. So after META_FULL_TRIES refusals of
 * the same job's meta (in this process) the caller writes a FAILURE meta with this error instead:
 * a small one, so the Celery client gets an answer naming the cause, and the delivery is acked.
 */
export function metaFullFallback() {
  const counts = new Map<string, number>();
  return {
    /** The error to write as the meta's FAILURE instead, or undefined: `err` is to be thrown. */
    instead(id: string, status: string, json: string, err: unknown): JobError | undefined {
      if (!(err instanceof StoreFullError) || status !== 'SUCCESS') return undefined;
      const n = (counts.get(id) ?? 0) + 1;
      counts.delete(id);
      if (n < META_FULL_TRIES) {
        counts.set(id, n);
        if (counts.size > MAX_REMEMBERED) counts.delete(counts.keys().next().value as string);
        return undefined;
      }
      return {
        type: 'ResultNotStored',
        message: `the result's meta (${json.length} characters of JSON) is larger than the memory the result backend's Redis has left, refused ${n} times (${err.message}); warren's record holds the result: GET /v1/jobs/${id}`,
        retryable: false,
      };
    },
  };
}
